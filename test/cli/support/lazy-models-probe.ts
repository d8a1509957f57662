// Child process for test/cli/image-detectors.test.ts: builds the worker's image detectors (and imports
// the screening activities, as a worker does) and reports whether the ONNX runtime is mapped into this
// process before and after the first image. Configured from the environment like `wild-sentinel start`.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { createImageDetectors } from '../../../cli/image-detectors.ts';
import { loadConfig } from '../../../shared/config.ts';
import { createPool } from '../../../shared/db/pool.ts';
import '../../../workflows/activities/screening-activities.ts';

const onnxLoaded = () => /onnxruntime/.test(readFileSync('/proc/self/maps', 'utf8'));
const config = loadConfig();
const pool = createPool(config.DATABASE_URL!);
const images = await createImageDetectors(config, pool);
const before = onnxLoaded();
const classifier = images.deps.classifiers![0]!;
const labelsBefore = classifier.labels.length;
const red = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
  .png()
  .toBuffer();
const result = await classifier.classify(red);
const after = onnxLoaded();
images.stop();
await pool.end();
process.stdout.write(
  `${JSON.stringify({ before, after, labelsBefore, labelsAfter: classifier.labels.length, top: result.top[0]?.label })}\n`,
);
