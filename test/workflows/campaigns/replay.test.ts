// Recorded campaign histories (changes requested, edited, approved, sent) must replay against the current
// workflow code: a change that would break running campaigns fails here, without a server.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { bundleCampaignWorkflow, historyFromFixture } from './helpers.ts';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));

describe('campaign workflow replay', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('replays every recorded history deterministically', async () => {
    const bundle = await bundleCampaignWorkflow();
    for (const file of files) {
      const history = historyFromFixture(readFileSync(`${dir}${file}`, 'utf8'));
      await expect(
        Worker.runReplayHistory({ workflowBundle: bundle }, history, file),
      ).resolves.toBeUndefined();
    }
  });
});
