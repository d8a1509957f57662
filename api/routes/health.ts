import { sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

/** A check that has not answered by then counts as unavailable: health must answer even when a part hangs. */
const CHECK_TIMEOUT_MS = 2_000;

function withinTimeout(check: Promise<unknown>): Promise<'ok' | 'unavailable' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  const outcome = check.then(
    () => 'ok' as const,
    () => 'unavailable' as const,
  );
  return Promise.race([outcome, timeout]).finally(() => clearTimeout(timer));
}

export async function health({ res, deps }: RouteContext): Promise<void> {
  const [database, temporal] = await Promise.all([
    withinTimeout(deps.pool.query('SELECT 1')),
    withinTimeout(
      deps.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
        deps.temporal.workflowService.getSystemInfo({}),
      ),
    ),
  ]);
  const ok = database === 'ok' && temporal === 'ok';
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', database, temporal });
}
