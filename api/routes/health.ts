import { sendJson } from '../http.ts';
import type { RouteContext } from '../server.ts';

export async function health({ res, deps }: RouteContext): Promise<void> {
  const checks = await Promise.allSettled([
    deps.pool.query('SELECT 1'),
    deps.temporal.workflowService.getSystemInfo({}),
  ]);
  const [database, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
  const ok = checks.every((c) => c.status === 'fulfilled');
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', database, temporal });
}
