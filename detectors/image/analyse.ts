// One listing's photos -> evidence: bank matches (all eight rotations/flips), text read by OCR and
// screened by the keyword engine, and classifier scores. A plain async function with injected
// dependencies, so a Temporal activity can wrap it; one bad image becomes an error entry, never a throw.
import type { Signal } from '../policy/schema.ts';
import { productForm, textSignals } from '../policy/text-signals.ts';
import { screenText as defaultScreenText, type TextListing, type TextScreenResult } from '../text/index.ts';
import type { BankMatch, BankMatcher } from './bank-matcher.ts';
import type { ImageClassifier } from './classifier.ts';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, ImageInputError } from './decode.ts';
import { ImageIntakeError, type ImageSource, type IntakeOptions, intakeImage } from './intake.ts';
import type { OcrEngine } from './ocr.ts';
import { DIHEDRAL_NAMES, type Dihedral } from './pdq.ts';
import { inThreadHasher, type PdqHasher } from './pdq-pool.ts';

export type ImageEvidence =
  | {
      kind: 'bank-match';
      /** The image reference: its URL, or upload:<name>. */
      image: string;
      /** PDQ of the listing image (as posted), and of the bank item it matched. */
      pdq: string;
      matchedPdq: string;
      bank: string;
      bankKind: 'positive' | 'negative';
      itemId: number;
      distance: number;
      threshold: number;
      variant: Dihedral;
      quality: number;
      species: string | null;
      product: string | null;
      /** True when the match was withdrawn (kept for reviewers, not counted), and why. */
      suppressed: boolean;
      withdrawnBy?: 'negative-bank' | 'flood-quarantine';
    }
  | {
      kind: 'ocr';
      image: string;
      term: string;
      termKind: string;
      species?: string;
      /**
       * The OCR'd text around the term (up to 60 characters either side, so stored evidence stays small;
       * the whole text is in the image's `ocrText`), and the term's offsets in that snippet.
       */
      text: string;
      start: number;
      end: number;
      confidence: number;
    }
  | { kind: 'classifier'; image: string; model: string; label: string; score: number };

export interface AnalysedImage {
  ref: string;
  pdq?: string;
  quality?: number;
  /** The PDQ hashes of the image's seven rotations and mirror images (photo linking finds such re-posts). */
  variants?: string[];
  ocrText?: string;
  /** Why this image could not be analysed (fetch or decode), with a stable code. */
  error?: { code: string; message: string };
}

export interface ImageAnalysis {
  images: AnalysedImage[];
  evidence: ImageEvidence[];
  /** The same evidence as policy-engine signals (image-match, and the OCR text's keyword signals). */
  signals: Signal[];
}

export interface ImageAnalysisDeps {
  /** Bank matcher kept current with startBankSync; without it, no hash matching. */
  matcher?: BankMatcher;
  /** Without it, no OCR. */
  ocr?: OcrEngine;
  classifiers?: ImageClassifier[];
  /** The text engine; the keyword engine by default. */
  screenText?: (listing: TextListing) => TextScreenResult;
  /** The listing's language, passed to the text engine with the OCR text. */
  language?: string;
  fetch?: IntakeOptions;
  decode?: DecodeLimits;
  /** Where PDQ hashes are computed: a worker pool in a running system; this thread by default. */
  hasher?: PdqHasher;
}

const OCR_TEXT_LIMIT = 5000;
const SNIPPET_CONTEXT = 60;

function snippet(text: string, start: number, end: number): { text: string; start: number; end: number } {
  const from = Math.max(0, start - SNIPPET_CONTEXT);
  return { text: text.slice(from, end + SNIPPET_CONTEXT), start: start - from, end: end - from };
}

function matchEvidence(
  ref: string,
  pdq: string,
  quality: number,
  m: BankMatch,
  withdrawnBy?: 'negative-bank' | 'flood-quarantine',
): ImageEvidence {
  return {
    kind: 'bank-match',
    image: ref,
    pdq,
    matchedPdq: m.pdq,
    bank: m.bank,
    bankKind: m.bankKind,
    itemId: m.itemId,
    distance: m.distance,
    threshold: m.threshold,
    variant: m.variant,
    quality,
    species: m.species,
    product: m.product,
    suppressed: withdrawnBy !== undefined,
    ...(withdrawnBy ? { withdrawnBy } : {}),
  };
}

async function analyseOne(source: ImageSource, deps: ImageAnalysisDeps, out: ImageAnalysis): Promise<void> {
  const ref = source.kind === 'url' ? source.url : `upload:${source.name ?? 'image'}`;
  const record: AnalysedImage = { ref };
  out.images.push(record);
  try {
    const { bytes } = await intakeImage(source, {
      fetch: deps.fetch,
      decode: deps.decode ?? DEFAULT_DECODE_LIMITS,
    });
    const pdq = await (deps.hasher ?? inThreadHasher(deps.decode)).hashDihedral(bytes);
    record.pdq = pdq.hashes.original;
    record.quality = pdq.quality;
    record.variants = DIHEDRAL_NAMES.filter((name) => name !== 'original').map((name) => pdq.hashes[name]);

    if (deps.matcher) {
      const result = deps.matcher.match({ hashes: pdq.hashes, quality: pdq.quality });
      for (const m of result.matches)
        out.evidence.push(matchEvidence(ref, pdq.hashes.original, pdq.quality, m));
      for (const m of result.suppressed)
        out.evidence.push(matchEvidence(ref, pdq.hashes.original, pdq.quality, m, 'negative-bank'));
      for (const m of result.quarantined)
        out.evidence.push(matchEvidence(ref, pdq.hashes.original, pdq.quality, m, 'flood-quarantine'));
      for (const m of result.negative)
        out.evidence.push(matchEvidence(ref, pdq.hashes.original, pdq.quality, m));
    }

    if (deps.ocr) {
      const lines = await deps.ocr.recognise(bytes);
      const text = lines
        .map((l) => l.text)
        .join('\n')
        .slice(0, OCR_TEXT_LIMIT);
      record.ocrText = text;
      if (text) {
        const confidence = lines.reduce((s, l) => s + l.confidence, 0) / lines.length;
        const screened = (deps.screenText ?? defaultScreenText)({ title: text, language: deps.language });
        for (const e of screened.evidence) {
          out.evidence.push({
            kind: 'ocr',
            image: ref,
            term: e.term,
            termKind: e.kind,
            ...(e.species ? { species: e.species } : {}),
            ...snippet(text, e.start, e.end),
            confidence: Number(confidence.toFixed(3)),
          });
        }
        // The text engine's own weighing carries over; field 'ocr' is what the review card lists as text in images.
        for (const s of textSignals(screened, 'image-ocr')) {
          out.signals.push({ ...s, field: 'ocr', detail: `text in image ${ref}`.slice(0, 2000) });
        }
      }
    }

    for (const classifier of deps.classifiers ?? []) {
      const result = await classifier.classify(bytes);
      for (const s of result.evidence) {
        out.evidence.push({
          kind: 'classifier',
          image: ref,
          model: result.model,
          label: s.label,
          score: s.score,
        });
      }
    }
  } catch (err) {
    if (err instanceof ImageInputError || err instanceof ImageIntakeError) {
      record.error = { code: err.code, message: err.message };
    } else {
      record.error = { code: 'internal', message: (err as Error).message };
    }
  }
}

function bankSignal(e: Extract<ImageEvidence, { kind: 'bank-match' }>): Signal {
  // Closer than the threshold means stronger: distance 0 -> 1.0, at the threshold -> 0.6.
  const strength = e.suppressed ? 0 : Number((1 - (0.4 * e.distance) / Math.max(1, e.threshold)).toFixed(3));
  const product = e.product ? productForm(e.product) : undefined;
  return {
    detector: 'image-hash',
    kind: 'image-match',
    strength,
    ...(e.species ? { species: e.species } : {}),
    ...(product ? { product } : {}),
    // The image's own hash, so evidence packs can list it; the bank and item are in the detail.
    term: e.pdq,
    field: 'image',
    detail:
      `${e.image} matched ${e.bank} item ${e.itemId} at distance ${e.distance}/${e.threshold} (${e.variant})${e.withdrawnBy ? `, withdrawn (${e.withdrawnBy})` : ''}`.slice(
        0,
        2000,
      ),
  };
}

/** Analyses a listing's images one after another (bounded memory and CPU per listing). */
export async function analyseListingImages(
  images: readonly (ImageSource | string)[],
  deps: ImageAnalysisDeps,
): Promise<ImageAnalysis> {
  const out: ImageAnalysis = { images: [], evidence: [], signals: [] };
  for (const image of images) {
    await analyseOne(typeof image === 'string' ? { kind: 'url', url: image } : image, deps, out);
  }
  for (const e of out.evidence) {
    // Negative-bank hits stay evidence only: they withdraw image matches, not the listing's text signals.
    if (e.kind === 'bank-match' && e.bankKind === 'positive') out.signals.push(bankSignal(e));
    if (e.kind === 'classifier') {
      out.signals.push({
        detector: `image-model:${e.model}`.slice(0, 50),
        kind: 'model-flag',
        strength: e.score,
        term: e.label,
        field: 'image',
        detail: `${e.image}: ${e.model} scored ${e.label} ${e.score}`.slice(0, 2000),
      });
    }
  }
  return out;
}
