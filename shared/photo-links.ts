// Signed, expiring links to volunteers' photos, so reviewers can open them from the Slack card without a
// login: the link names the photo and an expiry, and carries an HMAC over both. The key is derived from a
// deployment secret for this purpose only, so a link signature can never stand in for another signature.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const PHOTO_LINK_PATH = '/v1/report-photos';
/** Long enough for a review (and its SLA escalation), short enough that a leaked link soon dies. */
export const PHOTO_LINK_TTL_MS = 7 * 24 * 3600 * 1000;

const keyFor = (secret: string) =>
  createHmac('sha256', secret).update('wild-sentinel report photo links').digest();
const signature = (secret: string, photoId: string, exp: number) =>
  createHmac('sha256', keyFor(secret)).update(`${photoId}.${exp}`).digest('hex');

export type PhotoLink = (photoId: string) => string;

export function photoLinkSigner(opts: {
  secret: string;
  /** The API's public address, e.g. https://sentinel.example.org */
  baseUrl: string;
  ttlMs?: number;
  now?: () => number;
}): PhotoLink {
  const base = opts.baseUrl.replace(/\/+$/, '');
  return (photoId) => {
    const exp = Math.floor(((opts.now?.() ?? Date.now()) + (opts.ttlMs ?? PHOTO_LINK_TTL_MS)) / 1000);
    return `${base}${PHOTO_LINK_PATH}/${encodeURIComponent(photoId)}?exp=${exp}&sig=${signature(opts.secret, photoId, exp)}`;
  };
}

/** Whether a link's exp and sig are right for this photo and not expired. */
export function verifyPhotoLink(
  secret: string,
  photoId: string,
  exp: string | null,
  sig: string | null,
  now = Date.now(),
): boolean {
  if (!exp || !/^\d{1,12}$/.test(exp) || !sig || !/^[0-9a-f]{64}$/.test(sig)) return false;
  if (Number(exp) * 1000 < now) return false;
  return timingSafeEqual(
    Buffer.from(signature(secret, photoId, Number(exp)), 'hex'),
    Buffer.from(sig, 'hex'),
  );
}
