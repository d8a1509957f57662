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
  // Owed starts are workflows committed to but not yet in Temporal (workflow-starts.ts): a number that
  // grows while Temporal is down or falling behind, and drains once it catches up.
  let owedWorkflowStarts: number | undefined;
  const [database, temporal] = await Promise.all([
    withinTimeout(
      deps.pool
        // A malformed row set aside (never due) waits for a person, not for Temporal.
        .query<{ n: string }>("SELECT count(*) AS n FROM workflow_starts WHERE next_attempt_at < 'infinity'")
        .then((r) => {
          owedWorkflowStarts = Number(r.rows[0]!.n);
        }),
    ),
    withinTimeout(
      deps.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
        deps.temporal.workflowService.getSystemInfo({}),
      ),
    ),
  ]);
  const ok = database === 'ok' && temporal === 'ok';
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', database, temporal, owedWorkflowStarts });
}
