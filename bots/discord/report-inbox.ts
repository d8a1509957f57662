// A Discord report as stored in the inbox before its interaction is acknowledged (deferReply is the ack;
// Discord never delivers an interaction again), and how it is applied and told afterwards: its photos are
// fetched from the CDN, the report is filed, and the deferred reply is edited through the interaction's
// webhook, which works from any process for 15 minutes.
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { z } from 'zod';
import {
  MAX_NOTE_LENGTH,
  MAX_REPORT_PHOTOS,
  MAX_SPECIES_LENGTH,
  type ReportListingResult,
} from '../../workflows/use-cases/report-listing.ts';
import type { InboxHandler } from '../inbox.ts';
import type { PhotoRefusal } from '../volunteers/photos.ts';
import { photoRefusalMessages, reportResultMessage } from '../volunteers/present.ts';
import type { VolunteerUseCases } from '../volunteers/use-cases.ts';
import { attachmentRefSchema, fetchAttachments } from './attachments.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';

export const DISCORD_REPORT_KIND = 'discord.report';

/** Where the answer goes: the interaction's webhook (dropped once answered). */
export const interactionReplySchema = z.object({
  applicationId: z.string().max(30),
  token: z.string().max(500),
});

export const discordReportSchema = z.object({
  volunteerId: z.string().regex(/^\d+$/),
  url: z.string().max(2000),
  species: z.string().max(MAX_SPECIES_LENGTH).nullable(),
  note: z.string().max(MAX_NOTE_LENGTH).nullable(),
  /** Entries stored before photos could be attached have none. */
  photos: z.array(attachmentRefSchema).max(MAX_REPORT_PHOTOS).default([]),
  locale: z.string().max(35),
  reply: interactionReplySchema.optional(),
});
export type DiscordReportEntry = z.input<typeof discordReportSchema>;

export interface DiscordPhotoOptions {
  /** Hosts attachment links may point to (see attachmentHosts). */
  hosts: readonly string[];
  maxBytes: number;
}

/** Megabytes as the volunteer reads them ("5 MB"). */
export const megabytes = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/** Edits the deferred ephemeral reply of an interaction (its token, not the bot's, authorises it). */
export async function editInteractionReply(
  rest: REST,
  reply: z.infer<typeof interactionReplySchema>,
  content: string,
): Promise<void> {
  await rest.patch(Routes.webhookMessage(reply.applicationId, reply.token, '@original'), {
    body: { content, allowed_mentions: NO_MENTIONS },
    auth: false,
  });
}

export function discordReportHandler(
  useCases: VolunteerUseCases,
  rest: REST,
  photoOptions: DiscordPhotoOptions,
): InboxHandler<z.infer<typeof discordReportSchema>, ReportListingResult & { refused?: PhotoRefusal[] }> {
  return {
    schema: discordReportSchema,
    async apply(e) {
      const { photos, refused } = await fetchAttachments(e.photos, photoOptions);
      const result = await useCases.reportListing({
        volunteerId: e.volunteerId,
        url: e.url,
        species: e.species,
        note: e.note,
        photos,
      });
      return { ...result, refused };
    },
    async tell(e, result) {
      if (!e.reply) return;
      const t = discordTranslator(e.locale);
      const lines = [
        reportResultMessage(t, result),
        ...photoRefusalMessages(t, result.refused ?? [], megabytes(photoOptions.maxBytes)),
      ];
      await editInteractionReply(rest, e.reply, lines.join('\n\n'));
    },
    redact: ({ reply: _reply, ...rest }) => rest,
  };
}
