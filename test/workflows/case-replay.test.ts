// Recorded histories of the case workflow (from the dev server: four-eyes suspension with a claim, a
// refused same-lead approval and an undo; SLA escalation with a reminder, approval, appeal upheld and the
// windows closing) are replayed against today's workflow code. A change that would break running cases
// fails here with a determinism error; record new histories when the workflow changes on purpose.
// The fixtures are binary History protos (handle.fetchHistory() encoded): in this install the JSON
// helpers of @temporalio/common carry their own protobufjs 8 and cannot read @temporalio/proto types.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows, installTestRuntime } from '../support/temporal.ts';

const DIR = fileURLToPath(new URL('../histories/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.startsWith('case-') && f.endsWith('.binpb'));

describe('case workflow replay', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    installTestRuntime();
    bundle = await bundleWorkflows();
  });

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(`${DIR}${file}`));
    expect(history.events.length).toBeGreaterThan(50);
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file)).resolves.toBeUndefined();
  });
});
