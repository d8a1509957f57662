// How a command that failed tells the person at the terminal: one line naming the problem and, where we
// know it, the fix; exit code 2 for a wrong command line, 1 for anything else. The stack trace only with
// --debug (or WS_DEBUG=1), since it helps the people who write the code, not the people who run it.

/** Longest message shown: an error can quote its whole input (a 1 MB bundle with a broken byte). */
const MAX_MESSAGE = 300;

export interface Failure {
  message: string;
  exitCode: 1 | 2;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

export function describeFailure(err: unknown, usage?: string): Failure {
  const e = err as { code?: unknown; message?: unknown; path?: unknown; detail?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('ERR_PARSE_ARGS')) {
    return { message: `${shorten(message)}${usage ? `\n${usage}` : ''}`, exitCode: 2 };
  }
  if (e?.name === 'ConfigError') return { message, exitCode: 2 };
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    const what =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not allowed to read' : 'a folder, not a file';
    return { message: `${what}: ${typeof e.path === 'string' ? e.path : shorten(message)}`, exitCode: 1 };
  }
  if (code === '23505') {
    return {
      message: `already exists: ${shorten(typeof e.detail === 'string' ? e.detail : message)}`,
      exitCode: 1,
    };
  }
  if (code === 'ECONNREFUSED' || code === '57P01' || code === '3D000' || code === '28P01') {
    return {
      message: `cannot use the database (${shorten(message)}): check DATABASE_URL, or unset it for the embedded one`,
      exitCode: 1,
    };
  }
  return { message: `error: ${shorten(message)}`, exitCode: 1 };
}
