// The state of a volunteer's guided conversation (the /report dialog or a quiz), stored as JSON in
// PostgreSQL between messages and validated when read back.
import { z } from 'zod';
import { safeString } from '../../shared/text.ts';

const url = safeString().min(1).max(2000);
const species = safeString().min(1).max(200);

/** Words the volunteer sent with the link (a share sheet's title or comment): the start of the note. */
const shared = safeString().max(4000).optional();

export const dialogSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('link') }),
  z.object({ step: z.literal('species'), url, shared }),
  z.object({ step: z.literal('photos'), url, species, shared }),
  z.object({ step: z.literal('note'), url, species, shared }),
  z.object({ step: z.literal('confirm'), url, species, note: safeString().max(4000).nullable() }),
  /** Waiting for the answer to a reviewer's question on this report. */
  z.object({ step: z.literal('answer'), reportId: z.string().regex(/^\d+$/) }),
  z.object({ step: z.literal('quiz'), index: z.number().int().min(0), correct: z.number().int().min(0) }),
]);
export type Dialog = z.infer<typeof dialogSchema>;

/** A stored state that no longer parses (an older version, say) counts as no conversation. */
export function parseDialog(value: unknown): Dialog | undefined {
  const parsed = dialogSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
