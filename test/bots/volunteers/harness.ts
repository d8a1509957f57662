// The volunteer journey's test system: a fresh database, the real case workflow on the shared Temporal
// dev server with the real case activities (takedowns go through the signed HTTP adapter to a fake
// platform endpoint, which a test can make fail), and the volunteer use cases on top. Bots under test plug
// their outcome deliveries in through `deliveries`.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createVolunteerUseCases, type VolunteerUseCases } from '../../../bots/volunteers/use-cases.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { addPlatformDomain } from '../../../shared/db/reports.ts';
import type { VolunteerChannel } from '../../../shared/db/volunteers.ts';
import { createCaseActivities, type ReviewNotifier } from '../../../workflows/activities/case-activities.ts';
import {
  createVolunteerNotifier,
  type OutcomeDelivery,
} from '../../../workflows/activities/volunteer-activities.ts';
import { createHttpTakedownAdapter } from '../../../workflows/takedown/http-adapter.ts';
import { decideCase } from '../../../workflows/use-cases/decide-case.ts';
import { createWorker } from '../../../workflows/worker.ts';
import { type FakePlatform, startFakePlatform } from '../../fakes/platform-endpoint.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { bundleWorkflows, installTestRuntime } from '../../support/temporal.ts';

export const REVIEWER = 'UREVIEWER';
const TAKEDOWN_SECRET = 'volunteer-harness-takedown-secret';

export interface VolunteerHarness {
  db: TestDatabase;
  temporal: Client;
  taskQueue: string;
  useCases: VolunteerUseCases;
  deliveries: Partial<Record<VolunteerChannel, OutcomeDelivery>>;
  /** The shop platform's takedown webhook: `failNext(404)` makes the next takedown fail for good. */
  platform: FakePlatform;
  /** Failures to inject into recordReportOutcomes' notifier, to check retries. */
  decide(caseId: string, decision: 'approve' | 'reject'): Promise<void>;
  close(): Promise<void>;
}

export async function startVolunteerHarness(
  options: {
    useCases?: Partial<Parameters<typeof createVolunteerUseCases>[0]>;
    /** Where case cards go (a Slack notifier against the local Slack server, say); none by default. */
    reviewNotifier?: ReviewNotifier;
  } = {},
): Promise<VolunteerHarness> {
  installTestRuntime();
  const [db, workflowBundle, platform] = await Promise.all([
    createTestDatabase(),
    bundleWorkflows(),
    startFakePlatform(TAKEDOWN_SECRET),
  ]);
  await createPlatform(db.pool, { id: 'shop', name: 'Shop', takedownUrl: platform.takedownUrl });
  await addPlatformDomain(db.pool, {
    domain: 'shop.example',
    platformId: 'shop',
    externalIdPattern: '^/items/([^/?#]+)',
  });
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection });
  const taskQueue = `volunteers-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const deliveries: Partial<Record<VolunteerChannel, OutcomeDelivery>> = {};
  const notifier = createVolunteerNotifier({ pool: db.pool, deliveries });
  const workerConnection = await NativeConnection.connect({ address });
  const worker: Worker = await createWorker({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    activities: createCaseActivities({
      pool: db.pool,
      volunteerNotifier: notifier,
      ...(options.reviewNotifier ? { notifier: options.reviewNotifier } : {}),
      takedownAdapterFor: (p) =>
        p.takedownUrl
          ? createHttpTakedownAdapter({ url: p.takedownUrl, signingSecret: TAKEDOWN_SECRET })
          : undefined,
    }),
    workflowBundle,
  });
  const run = worker.run();
  const useCases = createVolunteerUseCases({
    pool: db.pool,
    temporal,
    taskQueue,
    reviewers: [REVIEWER],
    ...options.useCases,
  });
  let n = 0;
  return {
    db,
    temporal,
    taskQueue,
    useCases,
    deliveries,
    platform,
    async decide(caseId, decision) {
      n += 1;
      const result = await decideCase(temporal, {
        caseId,
        actor: REVIEWER,
        decision,
        requestId: `test-${n}`,
      });
      if (!result.ok) throw new Error(result.reason);
    },
    async close() {
      worker.shutdown();
      await run;
      await workerConnection.close();
      await connection.close();
      await db.drop();
      await platform.close();
    },
  };
}
