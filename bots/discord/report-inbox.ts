// A Discord report as stored in the inbox before its interaction is acknowledged (deferReply is the ack;
// Discord never delivers an interaction again), and how it is applied and told afterwards: the deferred
// reply is edited through the interaction's webhook, which works from any process for 15 minutes.
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { z } from 'zod';
import {
  MAX_NOTE_LENGTH,
  MAX_SPECIES_LENGTH,
  type ReportListingResult,
} from '../../workflows/use-cases/report-listing.ts';
import type { InboxHandler } from '../inbox.ts';
import { reportResultMessage } from '../volunteers/present.ts';
import type { VolunteerUseCases } from '../volunteers/use-cases.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';

export const DISCORD_REPORT_KIND = 'discord.report';

export const discordReportSchema = z.object({
  volunteerId: z.string().regex(/^\d+$/),
  url: z.string().max(2000),
  species: z.string().max(MAX_SPECIES_LENGTH).nullable(),
  note: z.string().max(MAX_NOTE_LENGTH).nullable(),
  locale: z.string().max(35),
  /** Where the answer goes: the interaction's webhook (dropped once answered). */
  reply: z.object({ applicationId: z.string().max(30), token: z.string().max(500) }).optional(),
});
export type DiscordReportEntry = z.infer<typeof discordReportSchema>;

export function discordReportHandler(
  useCases: VolunteerUseCases,
  rest: REST,
): InboxHandler<DiscordReportEntry, ReportListingResult> {
  return {
    schema: discordReportSchema,
    apply: (e) =>
      useCases.reportListing({ volunteerId: e.volunteerId, url: e.url, species: e.species, note: e.note }),
    async tell(e, result) {
      if (!e.reply) return;
      const t = discordTranslator(e.locale);
      await rest.patch(Routes.webhookMessage(e.reply.applicationId, e.reply.token, '@original'), {
        body: { content: reportResultMessage(t, result), allowed_mentions: NO_MENTIONS },
        auth: false,
      });
    },
    redact: ({ reply: _reply, ...rest }) => rest,
  };
}
