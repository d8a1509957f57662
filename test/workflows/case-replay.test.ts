// Recorded histories of the case workflow (from the dev server: four-eyes suspension with a claim, a
// refused same-lead approval and an undo; SLA escalation with a reminder, approval, appeal upheld and the
// windows closing; and, recorded by the volunteer journey test after the patched steps were added, a
// takedown retried then done, one the platform refused, and reporters' answers before a rejection; and that
// last one again once the review's setup ran as local activities) are
// replayed against today's workflow code. A change that would break running cases fails here with a
// determinism error; record new histories when the workflow changes on purpose (test/support/histories.ts),
// and every patch marker in the workflow must be covered by a recorded history.
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

  it('has a recorded history through every patched step of the workflow', () => {
    const source = readFileSync(
      fileURLToPath(new URL('../../workflows/case-workflow.ts', import.meta.url)),
      'utf8',
    );
    const patches = [...source.matchAll(/patched\('([^']+)'\)/g)].map((m) => m[1]);
    expect(patches).toContain('tell-reporters-takedown-result');
    const recorded = new Set<string>();
    const signals = new Set<string>();
    for (const file of files) {
      for (const event of temporal.api.history.v1.History.decode(readFileSync(`${DIR}${file}`)).events) {
        const marker = event.markerRecordedEventAttributes;
        const data =
          marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : null;
        if (data) recorded.add((JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id);
        const signal = event.workflowExecutionSignaledEventAttributes?.signalName;
        if (signal) signals.add(signal);
      }
    }
    expect(patches.filter((p) => !recorded.has(p!))).toEqual([]);
    // Reporters' answers arrive as a signal added with them.
    expect(signals).toContain('volunteerAnswer');
  });
});
