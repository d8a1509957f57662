// The PDQ hash of a volunteer's photo, taken when it is stored so the case card and the evidence pack can
// show it (and reviewers can match it against hash banks). A photo that cannot be decoded keeps its sha256
// only: the report must not fail because a phone sent an odd file.
import { z } from 'zod';
import { pdqHashImage } from '../../detectors/image/hash-image.ts';
import { log } from '../../shared/logger.ts';

/** A photo a volunteer sent (with a report or as an answer), as a front end hands it over. */
export const volunteerPhotoSchema = z.object({
  /** The platform's id of the file (Telegram's file_unique_id, Discord's attachment id). */
  sourceId: z.string().min(1).max(200),
  mimeType: z.string().regex(/^image\/(jpeg|png|webp)$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.instanceof(Buffer),
});
export type VolunteerPhoto = z.infer<typeof volunteerPhotoSchema>;

export interface PhotoPdq {
  pdq: string;
  pdqQuality: number;
}

export async function photoPdq(bytes: Buffer): Promise<PhotoPdq | undefined> {
  try {
    const r = await pdqHashImage(bytes, undefined, { maxSide: 512 });
    return { pdq: r.hash, pdqQuality: r.quality };
  } catch (err) {
    log.warn('report photo could not be hashed with PDQ', {
      error: err instanceof Error ? err.message : err,
    });
    return undefined;
  }
}
