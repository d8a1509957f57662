// The structured answer the model must give, sent as a strict JSON schema and validated with zod.
import { z } from 'zod';
import { PRODUCT_FORMS } from '../policy/schema.ts';

export const triageAnswerSchema = z.object({
  species: z
    .array(
      z.object({
        name: z.string().min(1).max(100).describe('common name in English'),
        scientificName: z.string().max(100).nullable(),
      }),
    )
    .max(10)
    .describe('animal species the offered item is made from or is, if any'),
  product: z
    .enum([...PRODUCT_FORMS, 'live-animal', 'none'])
    .describe('what the item is: a part or derivative, a live animal, or none'),
  saleIntent: z.enum(['selling', 'buying', 'not-a-sale', 'unclear']),
  imitationStated: z.boolean().describe('the listing states the item is an imitation material'),
  verdict: z.enum(['allow', 'review', 'block']).describe('allow only if no wildlife product is offered'),
  confidence: z.number().min(0).max(1),
  rationale: z.string().min(1).max(1000),
  quotes: z
    .array(z.string().min(1).max(200))
    .max(5)
    .describe('exact phrases from the listing that support the verdict'),
});
export type TriageAnswer = z.infer<typeof triageAnswerSchema>;
