// The ONNX runtime (OCR and the optional classifier) loads with the first image, not at start: a worker
// or API process that never sees a photo never pays its memory.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChannelClassifier } from '../detectors/image/tiny-onnx.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('image detectors', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'ws-lazy-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('load the ONNX runtime and the classifier with the first image, not before', async () => {
    const model = join(dir, 'tiny.onnx');
    const labels = join(dir, 'labels.txt');
    // Label j scores the mean of channel channelOf[j]: a red picture is "ivory".
    writeFileSync(model, buildChannelClassifier({ size: 224, channelOf: [2, 0, 1], gain: 3 }));
    writeFileSync(labels, 'pangolin_scales\nivory\ntiger_skin\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/cli/support/lazy-models-probe.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          IMAGE_CLASSIFIER_MODEL: model,
          IMAGE_CLASSIFIER_LABELS: labels,
          IMAGE_OCR: 'true',
          LOG_LEVEL: 'error',
        },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      before: false,
      after: true,
      labelsBefore: 0,
      labelsAfter: 3,
      top: 'ivory',
    });
  });
});
