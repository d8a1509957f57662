// A Discord volunteer's answer to a reviewer's question (the form under the Answer button), stored in the
// inbox before the interaction is acknowledged and applied after: the photo is fetched from the CDN, the
// answer stored with the report and signalled to the case. The inbox entry's id is the answer's request id,
// so an entry applied twice stores one answer.
import type { REST } from '@discordjs/rest';
import { z } from 'zod';
import { caseLabel } from '../../shared/case-ref.ts';
import { type AnswerResult, MAX_ANSWER_LENGTH } from '../../workflows/use-cases/answer-case.ts';
import type { InboxHandler } from '../inbox.ts';
import type { PhotoRefusal } from '../volunteers/photos.ts';
import { photoRefusalMessages } from '../volunteers/present.ts';
import type { VolunteerUseCases } from '../volunteers/use-cases.ts';
import { attachmentRefSchema, fetchAttachments } from './attachments.ts';
import { discordTranslator } from './markup.ts';
import {
  type DiscordPhotoOptions,
  editInteractionReply,
  interactionReplySchema,
  megabytes,
} from './report-inbox.ts';

export const DISCORD_ANSWER_KIND = 'discord.answer';

export const discordAnswerSchema = z.object({
  /** The interaction's id: the answer's request id. */
  requestId: z.string().regex(/^discord:\d{1,20}$/),
  volunteerId: z.string().regex(/^\d+$/),
  reportId: z.string().regex(/^\d{1,18}$/),
  text: z.string().max(MAX_ANSWER_LENGTH).nullable(),
  photo: attachmentRefSchema.nullable(),
  locale: z.string().max(35),
  reply: interactionReplySchema.optional(),
});
export type DiscordAnswerEntry = z.infer<typeof discordAnswerSchema>;

type Outcome = AnswerResult | { kind: 'nothing_kept' };

export function discordAnswerHandler(
  useCases: VolunteerUseCases,
  rest: REST,
  photoOptions: DiscordPhotoOptions,
): InboxHandler<DiscordAnswerEntry, Outcome & { refused: PhotoRefusal[] }> {
  return {
    schema: discordAnswerSchema,
    async apply(e) {
      const { photos, refused } = await fetchAttachments(e.photo ? [e.photo] : [], photoOptions);
      const photo = photos[0];
      // A refused photo with no text leaves nothing to answer with: say why instead.
      if (!e.text && !photo) return { kind: 'nothing_kept', refused };
      const result = await useCases.answerCase({
        volunteerId: e.volunteerId,
        reportId: e.reportId,
        text: e.text,
        ...(photo ? { photo } : {}),
        requestId: e.requestId,
      });
      return { ...result, refused };
    },
    async tell(e, outcome) {
      if (!e.reply) return;
      const t = discordTranslator(e.locale);
      const lines = [
        ...(outcome.kind === 'recorded'
          ? [t('answer_recorded', { caseRef: caseLabel(outcome.caseId) })]
          : []),
        ...(outcome.kind === 'not_asked' ? [t('answer_not_asked')] : []),
        ...(outcome.kind === 'invalid_text' ? [t('unreadable_text')] : []),
        ...photoRefusalMessages(t, outcome.refused, megabytes(photoOptions.maxBytes)),
      ];
      await editInteractionReply(rest, e.reply, (lines.length ? lines : [t('ask_answer')]).join('\n\n'));
    },
    redact: ({ reply: _reply, ...rest }) => rest,
  };
}
