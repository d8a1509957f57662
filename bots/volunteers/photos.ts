// A volunteer's photo fetched over HTTP (Telegram's file endpoint, Discord's attachment CDN) with a size
// limit checked before and while reading, and kept only when its bytes are a JPEG, PNG or WebP image.
// Errors never include the URL (Telegram's holds the bot token, Discord's a signature).
import { createHash } from 'node:crypto';

export type PhotoDownload =
  | { ok: true; bytes: Buffer; mimeType: string; sha256: string }
  | { ok: false; reason: 'too_big' | 'not_an_image' | 'failed' };

export type PhotoRefusal = Extract<PhotoDownload, { ok: false }>['reason'];

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

/** GETs an image of at most maxBytes (the size the platform announced is checked first). */
export async function fetchImage(
  url: string,
  opts: { maxBytes: number; announcedSize?: number; timeoutMs?: number },
): Promise<PhotoDownload> {
  if (opts.announcedSize !== undefined && opts.announcedSize > opts.maxBytes)
    return { ok: false, reason: 'too_big' };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 30_000);
  try {
    const res = await fetch(url, { signal: controller.signal, redirect: 'error' });
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
