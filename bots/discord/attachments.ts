// Photos a Discord volunteer uploads in a modal (a report's photos, an answer's photo). The interaction
// carries signed CDN links that stay valid for hours, so the inbox entry stores the links and the photos are
// fetched when it is applied, after the acknowledgement. Links are only followed to Discord's CDN (or to the
// Discord-compatible server DISCORD_API_URL names), so a payload can never make the bot fetch anything else.
import type { Attachment, ModalSubmitFields } from 'discord.js';
import { z } from 'zod';
import type { VolunteerPhoto } from '../../workflows/use-cases/photo-hash.ts';
import { fetchImage, type PhotoRefusal } from '../volunteers/photos.ts';

export const DISCORD_CDN_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'] as const;

export const attachmentRefSchema = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  size: z.number().int().min(0),
});
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

function attachmentRefs(files: ReadonlyMap<string, Attachment> | null | undefined): AttachmentRef[] {
  return [...(files?.values() ?? [])].map((a) => ({ id: a.id, url: a.url, size: a.size }));
}

/** The files uploaded in a modal's file field; none when the form has no such field (an older form). */
export function uploadedFiles(fields: ModalSubmitFields, customId: string): AttachmentRef[] {
  return fields.fields.has(customId) ? attachmentRefs(fields.getUploadedFiles(customId)) : [];
}

/** Hosts photos may come from: Discord's CDN, plus the host of a configured Discord-compatible server. */
export function attachmentHosts(apiUrl?: string): string[] {
  return apiUrl ? [...DISCORD_CDN_HOSTS, new URL(apiUrl).host] : [...DISCORD_CDN_HOSTS];
}

export interface FetchedAttachments {
  photos: VolunteerPhoto[];
  /** Why files were left out (too big, not a photo, not downloadable), one entry per file. */
  refused: PhotoRefusal[];
}

export async function fetchAttachments(
  refs: readonly AttachmentRef[],
  opts: { hosts: readonly string[]; maxBytes: number },
): Promise<FetchedAttachments> {
  const photos: VolunteerPhoto[] = [];
  const refused: PhotoRefusal[] = [];
  for (const ref of refs) {
    if (!opts.hosts.includes(new URL(ref.url).host)) {
      refused.push('failed');
      continue;
    }
    const got = await fetchImage(ref.url, { maxBytes: opts.maxBytes, announcedSize: ref.size });
    if (got.ok)
      photos.push({ sourceId: ref.id, mimeType: got.mimeType, sha256: got.sha256, bytes: got.bytes });
    else refused.push(got.reason);
  }
  return { photos, refused };
}
