import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier } from '../../../detectors/image/classifier.ts';
import { buildChannelClassifier } from './tiny-onnx.ts';

const solid = (background: string, width = 300, height = 200) =>
  sharp({ create: { width, height, channels: 3, background } })
    .jpeg()
    .toBuffer();

describe('ONNX classifier plug-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-onnx-'));
  const modelPath = join(dir, 'tiny.onnx');
  const labels = ['pangolin_scales', 'ivory', 'tiger_skin'];
  beforeAll(() => {
    // pangolin_scales <- blue channel, ivory <- red, tiger_skin <- green: weights, not label order, decide.
    writeFileSync(modelPath, buildChannelClassifier({ size: 16, channelOf: [2, 0, 1], gain: 3 }));
    writeFileSync(
      join(dir, 'labels.json'),
      JSON.stringify({ 2: 'tiger_skin', 0: 'pangolin_scales', 1: 'ivory' }),
    );
    writeFileSync(join(dir, 'labels.txt'), `${labels.join('\n')}\n`);
  });

  it('loads a model by path, preprocesses with sharp and scores with onnxruntime', async () => {
    const classifier = await loadClassifier({ name: 'tiny', modelPath, labels, width: 16, height: 16 });
    const red = await classifier.classify(await solid('#ff0000'));
    expect(red.top[0]!.label).toBe('ivory');
    expect(red.top[0]!.score).toBeGreaterThan(0.9);
    expect(red.top.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 3);
    expect(red.evidence.map((e) => e.label)).toEqual(['ivory']);

    expect((await classifier.classify(await solid('#0000ff'))).top[0]!.label).toBe('pangolin_scales');
    expect((await classifier.classify(await solid('#00ff00', 40, 900))).top[0]!.label).toBe('tiger_skin');
  });

  it('reads label maps from JSON objects and text files, and limits evidence to chosen labels', async () => {
    for (const file of ['labels.json', 'labels.txt']) {
      const c = await loadClassifier({
        name: 'tiny',
        modelPath,
        labels: { path: join(dir, file) },
        width: 16,
        height: 16,
      });
      expect(c.labels).toEqual(labels);
    }
    const onlyPangolin = await loadClassifier({
      name: 'tiny',
      modelPath,
      labels,
      width: 16,
      height: 16,
      evidenceLabels: ['pangolin_scales'],
    });
    const red = await onlyPangolin.classify(await solid('#ff0000'));
    expect(red.top[0]!.label).toBe('ivory');
    expect(red.evidence).toEqual([]);
  });

  it('fails clearly on a label map that does not fit the model, or a missing model', async () => {
    const wrong = await loadClassifier({
      name: 'tiny',
      modelPath,
      labels: ['a', 'b'],
      width: 16,
      height: 16,
    });
    await expect(wrong.classify(await solid('#ff0000'))).rejects.toThrow(
      /gives 3 scores but the label map has 2/,
    );
    await expect(loadClassifier({ name: 'x', modelPath: join(dir, 'none.onnx'), labels })).rejects.toThrow(
      /cannot load ONNX model/,
    );
    await expect(
      loadClassifier({ name: 'tiny', modelPath, labels, evidenceLabels: ['rhino_horn'] }),
    ).rejects.toThrow(/not in the label map/);
  });
});
