// The PDQ hash of a volunteer's photo, taken when it is stored so the case card and the evidence pack can
// show it (and reviewers can match it against hash banks). A photo that cannot be decoded keeps its sha256
// only: the report must not fail because a phone sent an odd file.
import { pdqHashImage } from '../../detectors/image/hash-image.ts';
import { log } from '../../shared/logger.ts';

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
