// Photo download through the Bot API (getFile, then GET {apiRoot}/file/bot<token>/<file_path>) with a size
// limit checked three times: the size Telegram announces in the message, in getFile, and while reading the
// bytes. Only JPEG, PNG and WebP images are kept. Errors never include the download URL (it holds the token).
import { createHash } from 'node:crypto';
import type { Api } from 'grammy';

export type PhotoDownload =
  | { ok: true; bytes: Buffer; mimeType: string; sha256: string }
  | { ok: false; reason: 'too_big' | 'not_an_image' | 'failed' };

export function sniffImageType(bytes: Buffer): string | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'image/webp';
  return undefined;
}

export async function downloadPhoto(
  api: Api,
  opts: { token: string; apiRoot: string; fileId: string; announcedSize?: number; maxBytes: number },
): Promise<PhotoDownload> {
  if (opts.announcedSize !== undefined && opts.announcedSize > opts.maxBytes)
    return { ok: false, reason: 'too_big' };
  let filePath: string;
  try {
    const file = await api.getFile(opts.fileId);
    if (file.file_size !== undefined && file.file_size > opts.maxBytes)
      return { ok: false, reason: 'too_big' };
    if (!file.file_path) return { ok: false, reason: 'failed' };
    filePath = file.file_path;
  } catch {
    return { ok: false, reason: 'failed' };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    const res = await fetch(`${opts.apiRoot}/file/bot${opts.token}/${filePath}`, {
      signal: controller.signal,
    });
    if (!res.ok || !res.body) return { ok: false, reason: 'failed' };
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > opts.maxBytes) {
      controller.abort();
      return { ok: false, reason: 'too_big' };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > opts.maxBytes) {
        controller.abort();
        return { ok: false, reason: 'too_big' };
      }
      chunks.push(Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    const mimeType = sniffImageType(bytes);
    if (!mimeType) return { ok: false, reason: 'not_an_image' };
    return { ok: true, bytes, mimeType, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch {
    return { ok: false, reason: 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
