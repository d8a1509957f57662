// The scorer's weekly retraining (issue 18, item 3) on the real Temporal dev server and PostgreSQL:
// reviewers' decisions become labelled rows on the listing version they were made on; a retrained model
// that regresses on the held-out split is refused by the gate; one that improves is activated, every
// process picks it up live (LISTEN/NOTIFY), a listing's decision uses it, and one command reverts it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenListing } from '../../../detectors/screen.ts';
import { getActiveLibrary } from '../../../detectors/text/index.ts';
import { watchScorerModel } from '../../../detectors/text/model-reload.ts';
import {
  activateScorerModel,
  heldOutMetrics,
  listScorerModels,
  revertScorerModel,
  saveScorerModel,
} from '../../../detectors/text/model-store.ts';
import { readDevSet } from '../../../detectors/text/quality.ts';
import { getActiveModel } from '../../../detectors/text/scorer-model.ts';
import { evaluateScorer, readLabelledRows, trainScorer } from '../../../detectors/text/train.ts';
import { reviewLabels } from '../../../shared/db/review-labels.ts';
import { createScorerActivities, GATE_TOLERANCE } from '../../../workflows/scorer/activities.ts';
import { upsertScorerRetrainSchedule } from '../../../workflows/scorer/schedule.ts';
import type { scorerRetrainWorkflow } from '../../../workflows/scorer/workflow.ts';
import { addPlatform, hoursAfter, T0 } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { eventually, installTestRuntime } from '../../support/temporal.ts';

let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
let watch: ReturnType<typeof watchScorerModel>;
const taskQueue = `scorer-${Date.now()}`;
const dir = mkdtempSync(join(tmpdir(), 'scorer-'));
const heldOutPath = join(dir, 'held-out.jsonl');

// "kozuka" (a sword-knife handle) is in no lexicon and no base-corpus row: only reviewers can teach it.
const KOZUKA = [
  'Edo period, signed',
  'Meiji, fine work',
  'two pieces, old',
  'with silver collar',
  'nice patina',
];
const heldOut = [
  ...KOZUKA.map((d, i) => ({ label: 'illicit', title: `Ivory kozuka ${i + 1}`, description: d })),
  ...['Ivory brooch, message me', 'Ivory bangle, whatsapp for details', 'Ivory figure, price on request'].map(
    (title) => ({ label: 'illicit', title, description: 'old stock' }),
  ),
  ...[
    'Ivory silk dress',
    'Ivory white paint 5L',
    'Tortoiseshell butterfly, garden photo',
    'Tortoiseshell butterfly on a buddleia',
    'Two tortoiseshell butterflies, 9 photos',
  ].map((title) => ({ label: 'legit', title, description: 'worn once' })),
].map((r, i) => ({ id: `h${i}`, language: 'en', hardNegative: r.label === 'legit', ...r }));

let n = 0;
/** A listing, its case on version 1, and a reviewer's decision. */
async function decided(title: string, decision: 'approve' | 'reject', reasonCode?: string): Promise<string> {
  n++;
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO listings (platform_id, external_id, title, description, language, raw)
     VALUES ('shop', $1, $2, 'see photos', 'en', $3) RETURNING id`,
    [`x${n}`, title, JSON.stringify({ title })],
  );
  const caseId = `case-${n}`;
  await db.pool.query(
    `INSERT INTO cases (id, listing_id, status, verdict) VALUES ($1, $2, 'open', 'review')`,
    [caseId, rows[0]!.id],
  );
  await review(caseId, decision, reasonCode, hoursAfter(n));
  return caseId;
}
async function review(caseId: string, decision: string, reasonCode: string | undefined, at: Date) {
  await db.pool.query(
    'INSERT INTO reviews (case_id, reviewer, decision, reason_code, created_at) VALUES ($1, $2, $3, $4, $5)',
    [caseId, 'U_REVIEWER', decision, reasonCode ?? null, at],
  );
}

async function retrain(): Promise<Awaited<ReturnType<typeof scorerRetrainWorkflow>>> {
  return client.workflow.execute<typeof scorerRetrainWorkflow>('scorerRetrainWorkflow', {
    taskQueue,
    workflowId: `retrain-${Date.now()}`,
    args: [{ heldOutPath }],
  });
}

beforeAll(async () => {
  installTestRuntime();
  db = await createTestDatabase();
  await addPlatform(db.pool, 'shop');
  writeFileSync(heldOutPath, heldOut.map((r) => JSON.stringify(r)).join('\n'));
  // What screens before any retraining: a model trained on the base corpus alone.
  const corpusDir = fileURLToPath(new URL('../../../keywords/training/', import.meta.url));
  const base = ['base-en.jsonl', 'base-multilingual.jsonl'].flatMap((f) =>
    readLabelledRows(join(corpusDir, f)),
  );
  const baseModel = trainScorer(base, getActiveLibrary(), { version: 'base' });
  await saveScorerModel(db.pool, {
    model: baseModel,
    createdBy: 'test',
    metrics: heldOutMetrics(
      evaluateScorer(getActiveLibrary(), baseModel, readDevSet(heldOutPath)),
      heldOutPath,
    ),
    baseline: null,
  });
  await activateScorerModel(db.pool, 'base', 'test', 'starting point');
  watch = watchScorerModel(db.pool, { listenUrl: db.url, intervalMs: 60_000 });

  const address = inject('temporalAddress');
  [nativeConnection, connection] = await Promise.all([
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
  ]);
  client = new Client({ connection });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../../../workflows/scorer/workflow.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    }),
    activities: createScorerActivities({ pool: db.pool }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  await watch?.stop();
  worker?.shutdown();
  await running;
  await connection?.close();
  await nativeConnection?.close();
  await db?.drop();
});

const kozukaListing = {
  externalId: 'k1',
  title: 'Ivory kozuka, signed',
  description: 'Edo period',
  imageUrls: [],
};
const decision = () => screenListing(kozukaListing, { platformId: 'shop' });

describe('scorer retraining behind a gate', () => {
  it('starts on the activated base model, which misses what only reviewers know', async () => {
    await eventually(async () => getActiveModel()?.version === 'base', 'the base model to load');
    expect(decision().verdict).toBe('allow');
  });

  it('turns decisions into labelled rows on the listing version they were made on', async () => {
    const approved = await decided('Ivory kozuka, old', 'approve');
    const dup = await decided('Ivory kozuka, another', 'reject', 'duplicate');
    // The seller edits the listing after the decision: the label stays on the version decided.
    await db.pool.query(
      `UPDATE listings SET title = 'Wooden knife handle', raw = '{"edited":true}' WHERE external_id = 'x1'`,
    );
    const labels = await reviewLabels(db.pool);
    expect(labels.find((l) => l.caseId === approved)).toMatchObject({
      label: 'illicit',
      title: 'Ivory kozuka, old',
      listingVersion: 1,
    });
    expect(labels.find((l) => l.caseId === dup)).toBeUndefined(); // a duplicate says nothing about the text
  });

  it('refuses a retrained model that regresses on the held-out split', async () => {
    // Careless approvals: tortoiseshell butterflies (a butterfly's name) confirmed as hawksbill sales. (Tortoiseshell
    // kittens, the example before, are now explained away by the rules and never reach the scorer.)
    const poisoned: string[] = [];
    for (const [i, age] of ['8 weeks', '9 weeks', '10 weeks', '12 weeks', 'young'].entries()) {
      for (const extra of [
        'litter trained',
        'looking for a home',
        'very playful',
        'vet checked',
        'indoor only',
      ]) {
        poisoned.push(await decided(`Tortoiseshell butterfly ${i}, ${age}, ${extra}`, 'approve'));
      }
    }
    const outcome = await retrain();
    expect(outcome.activated).toBe(false);
    expect(outcome.baseline.version).toBe('base');
    expect(outcome.metrics.falsePositiveRate).toBeGreaterThan(
      outcome.baseline.metrics.falsePositiveRate + GATE_TOLERANCE.falsePositiveRate,
    );
    expect(outcome.reasons.join(' ')).toMatch(/refused by the gate against base: .*FPR/);
    const stored = (await listScorerModels(db.pool)).find((m) => m.version === outcome.version)!;
    expect(stored.status).toBe('refused');
    expect(stored.active).toBe(false);
    expect(getActiveModel()?.version).toBe('base');
    // A lead corrects those decisions: the latest decision on a case is its label.
    for (const caseId of poisoned) await review(caseId, 'reject', 'not_wildlife', hoursAfter(1000, T0));
  });

  it('activates a retrained model that improves, live in this process, and reverts it in one command', async () => {
    for (const [i, d] of [
      'Edo',
      'signed',
      'pair',
      'with fittings',
      'old Japanese',
      'fine carving',
      'heavy',
    ].entries())
      await decided(`Ivory kozuka no. ${i}, ${d}`, 'approve');
    for (const t of ['Ivory lace curtains', 'Ivory satin ribbon roll', 'Ivory bath towels set'])
      await decided(t, 'reject', 'not_wildlife');
    const outcome = await retrain();
    expect(outcome.reasons.join(' ')).toMatch(/passed the gate against base/);
    expect(outcome.activated).toBe(true);
    expect(outcome.metrics.recall).toBeGreaterThan(outcome.baseline.metrics.recall);
    const models = await listScorerModels(db.pool);
    expect(models.find((m) => m.active)?.version).toBe(outcome.version);

    // Every process follows over LISTEN/NOTIFY; this one screens with the new model.
    await eventually(async () => getActiveModel()?.version === outcome.version, 'the new model to load');
    const flagged = decision();
    expect(flagged.verdict).toBe('review');
    expect(flagged.explanation).toContain(`Scorer ${outcome.version}`);
    expect(flagged.explanation).toContain('the word "kozuka" next to the term');

    expect(await revertScorerModel(db.pool, 'U_LEAD')).toBe('base');
    await eventually(async () => getActiveModel()?.version === 'base', 'the revert to load');
    expect(decision().verdict).toBe('allow');
    const audit = await db.pool.query<{ subject_id: string; actor: string }>(
      "SELECT subject_id, actor FROM audit_log WHERE action = 'scorer_model.activate' ORDER BY seq",
    );
    expect(audit.rows.map((r) => [r.subject_id, r.actor])).toEqual([
      ['base', 'test'],
      [outcome.version, 'scorer-retraining'],
      ['base', 'U_LEAD'],
    ]);
  });

  it('is scheduled weekly', async () => {
    const handle = await upsertScorerRetrainSchedule(client, {
      taskQueue,
      scheduleId: `scorer-retrain-${Date.now()}`,
      input: { heldOutPath },
    });
    const described = await handle.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({
      dayOfWeek: [{ start: 'SUNDAY', end: 'SUNDAY' }],
      hour: [{ start: 3, end: 3 }],
    });
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'scorerRetrainWorkflow' });
    await handle.delete();
  });
});
