// ONNX image-classifier plug-in: any classification model (e.g. a wildlife-product model trained
// elsewhere) configured by path, with a label map and its preprocessing, runs on onnxruntime-node and
// turns its scores into evidence. No model ships with Wild Sentinel; deployments point at their own.
import { readFile } from 'node:fs/promises';
import type * as Ort from 'onnxruntime-node';
import sharp from 'sharp';
import { z } from 'zod';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, ImageInputError, inspectImage } from './decode.ts';

export const classifierConfigSchema = z.object({
  /** A name for evidence, e.g. "wildlife-products-v3". */
  name: z.string().min(1).max(100),
  modelPath: z.string().min(1),
  /** Labels in output order, or a file: JSON array, JSON {"0": "label"} object, or one label per line. */
  labels: z.union([z.array(z.string().min(1)).min(1), z.object({ path: z.string().min(1) })]),
  width: z.number().int().positive().max(2048).default(224),
  height: z.number().int().positive().max(2048).default(224),
  layout: z.enum(['nchw', 'nhwc']).default('nchw'),
  /** Per-channel (RGB) normalisation after scaling pixels to 0..1; ImageNet values by default. */
  mean: z.tuple([z.number(), z.number(), z.number()]).default([0.485, 0.456, 0.406]),
  std: z.tuple([z.number(), z.number(), z.number()]).default([0.229, 0.224, 0.225]),
  /** How outputs become scores: softmax (single-label logits), sigmoid (multi-label logits), or as given. */
  activation: z.enum(['softmax', 'sigmoid', 'none']).default('softmax'),
  /** Labels whose score at or above minScore becomes evidence; all labels when omitted. */
  evidenceLabels: z.array(z.string()).optional(),
  minScore: z.number().min(0).max(1).default(0.5),
  topK: z.number().int().positive().default(5),
});
export type ClassifierConfig = z.input<typeof classifierConfigSchema>;

export interface LabelScore {
  label: string;
  score: number;
}

export interface ClassifierResult {
  model: string;
  /** Highest scores first, at most topK. */
  top: LabelScore[];
  /** The subset that counts as evidence (evidence label, score >= minScore). */
  evidence: LabelScore[];
}

export interface ImageClassifier {
  readonly name: string;
  readonly labels: readonly string[];
  classify(image: Uint8Array): Promise<ClassifierResult>;
}

async function readLabels(spec: z.infer<typeof classifierConfigSchema>['labels']): Promise<string[]> {
  if (Array.isArray(spec)) return spec;
  const text = await readFile(spec.path, 'utf8');
  if (/^\s*[[{]/.test(text)) {
    const json = z.union([z.array(z.string()), z.record(z.string(), z.string())]).parse(JSON.parse(text));
    if (Array.isArray(json)) return json;
    return Object.entries(json)
      .map(([k, v]) => [Number(k), v] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

function activate(values: Float32Array, activation: 'softmax' | 'sigmoid' | 'none'): number[] {
  const v = [...values];
  if (activation === 'sigmoid') return v.map((x) => 1 / (1 + Math.exp(-x)));
  if (activation === 'none') return v;
  const max = Math.max(...v);
  const exps = v.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Loads the model and label map, checking that they agree; throws with a clear message if not. */
export async function loadClassifier(
  config: ClassifierConfig,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<ImageClassifier> {
  const c = classifierConfigSchema.parse(config);
  const labels = await readLabels(c.labels);
  // The runtime (a native library of tens of MB) loads with the first model, not with this module.
  const ort = await import('onnxruntime-node');
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(c.modelPath, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
    });
  } catch (err) {
    throw new Error(`cannot load ONNX model ${c.modelPath}: ${(err as Error).message}`, { cause: err });
  }
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const evidenceLabels = new Set(c.evidenceLabels ?? labels);
  for (const l of evidenceLabels)
    if (!labels.includes(l)) throw new Error(`evidence label "${l}" is not in the label map`);
  const { width, height } = c;
  const plane = width * height;

  return {
    name: c.name,
    labels,
    async classify(image) {
      await inspectImage(image, limits);
      let raw: Buffer;
      try {
        raw = await sharp(image, { limitInputPixels: limits.maxPixels, failOn: 'warning', pages: 1 })
          .toColourspace('srgb')
          .removeAlpha()
          .resize(width, height, { fit: 'fill' })
          .raw({ depth: 'uchar' })
          .toBuffer();
      } catch (err) {
        throw new ImageInputError('corrupt', `image cannot be decoded: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const data = new Float32Array(3 * plane);
      for (let p = 0; p < plane; p++) {
        for (let ch = 0; ch < 3; ch++) {
          const v = (raw[p * 3 + ch]! / 255 - c.mean[ch]!) / c.std[ch]!;
          data[c.layout === 'nchw' ? ch * plane + p : p * 3 + ch] = v;
        }
      }
      const dims = c.layout === 'nchw' ? [1, 3, height, width] : [1, height, width, 3];
      const output = (await session.run({ [inputName]: new ort.Tensor('float32', data, dims) }))[outputName]!;
      const values = output.data as Float32Array;
      if (values.length !== labels.length) {
        throw new Error(
          `model ${c.name} gives ${values.length} scores but the label map has ${labels.length} labels`,
        );
      }
      const scores = activate(values, c.activation)
        .map((score, i) => ({ label: labels[i]!, score: Number(score.toFixed(4)) }))
        .sort((a, b) => b.score - a.score);
      return {
        model: c.name,
        top: scores.slice(0, c.topK),
        evidence: scores.filter((s) => evidenceLabels.has(s.label) && s.score >= c.minScore),
      };
    },
  };
}
