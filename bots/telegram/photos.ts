// Photo download through the Bot API: getFile, then GET {apiRoot}/file/bot<token>/<file_path>, with the
// size limit checked three times (the size Telegram announces in the message, in getFile, and while reading
// the bytes). Errors never include the download URL (it holds the token).
import type { Api } from 'grammy';
import { fetchImage, type PhotoDownload } from '../volunteers/photos.ts';

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
  return fetchImage(`${opts.apiRoot}/file/bot${opts.token}/${filePath}`, { maxBytes: opts.maxBytes });
}
