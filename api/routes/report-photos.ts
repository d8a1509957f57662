// A volunteer's photo behind a signed, expiring link (shared/photo-links.ts): what a reviewer opens from
// the Slack card. No API key: the signature is the permission, and it names one photo until it expires.
import { reportPhotoBytes } from '../../shared/db/reports.ts';
import { verifyPhotoLink } from '../../shared/photo-links.ts';
import { HttpError } from '../http.ts';
import type { RouteContext } from '../server.ts';

export async function getReportPhoto({ res, url, params, deps }: RouteContext): Promise<void> {
  const id = params.id ?? '';
  const secret = deps.photoLinkSecret;
  if (!secret || !/^\d{1,18}$/.test(id)) throw new HttpError(404, 'not_found', 'no such photo');
  if (!verifyPhotoLink(secret, id, url.searchParams.get('exp'), url.searchParams.get('sig')))
    throw new HttpError(403, 'forbidden', 'the link is not valid or has expired');
  const photo = await reportPhotoBytes(deps.pool, id);
  if (!photo) throw new HttpError(404, 'not_found', 'no such photo');
  res.writeHead(200, {
    'content-type': photo.mimeType,
    'content-length': photo.bytes.length,
    // The bytes were sniffed as an image when stored; never let a browser guess otherwise.
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
    'cache-control': 'private, max-age=300',
  });
  res.end(photo.bytes);
}
