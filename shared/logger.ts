// A small structured logger: one JSON object per line on stderr, so stdout stays free for CLI output.
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: Level = (process.env.LOG_LEVEL as Level | undefined) ?? 'info';

export function setLogLevel(level: Level): void {
  threshold = level;
}

/** An error's message with its causes ("Workflow Update failed: <the server's reason>"), never its stack. */
function describeError(err: Error): string {
  const parts = [err.message];
  for (let c: unknown = err.cause, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++)
    if (c.message && !parts.includes(c.message)) parts.push(c.message);
  return parts.join(': ');
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (order[level] < order[threshold]) return;
  const line = { time: new Date().toISOString(), level, msg, ...fields };
  process.stderr.write(`${JSON.stringify(line, (_k, v) => (v instanceof Error ? describeError(v) : v))}\n`);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
