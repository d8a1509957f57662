// One listing's photos -> evidence: bank matches (all eight rotations/flips), text read by OCR and
// screened by the keyword engine, and classifier scores. A plain async function with injected
// dependencies, so a Temporal activity can wrap it; one bad image becomes an error entry, never a throw.
import type { Signal } from '../policy/schema.ts';
import { productForm, textSignals } from '../policy/text-signals.ts';
import { screenText as defaultScreenText, type TextListing, type TextScreenResult } from '../text/index.ts';
import type { BankMatch, BankMatcher } from './bank-matcher.ts';
import type { ImageClassifier } from './classifier.ts';
import type { DecodeLimits } from './decode.ts';
import type { ImageSource, IntakeOptions } from './intake.ts';
import { intakeMedia, mediaErrorOf, type VideoScreeningLimits, videoLimitsSchema } from './media-intake.ts';
import type { OcrEngine } from './ocr.ts';
import { DIHEDRAL_NAMES, type Dihedral } from './pdq.ts';
import { inThreadHasher, type PdqHasher } from './pdq-pool.ts';
import type { VpdqFeature } from './vpdq.ts';

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
      /** A video's or animated image's frame that matched a photo entry (its hash is `pdq`). */
      frame?: { frameNumber: number; timestamp: number };
      /** A match with a bank's video entry (vPDQ): shares of frames found each way. */
      video?: { queryMatchPercent: number; comparedMatchPercent: number; frames: number };
    }
  | {
      /** A video or animated image that could not be screened: recorded, so a reviewer knows it was not. */
      kind: 'media-unscreened';
      image: string;
      code: string;
      message: string;
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
  /** For a video or animated image: what it was and how many frames were hashed (no `pdq` then). */
  media?: 'video' | 'animated';
  frames?: number;
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
  /** Bounds for videos and animated images (screened by default; `{ enabled: false }` refuses them). */
  video?: VideoScreeningLimits;
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
    ...(m.frame ? { frame: m.frame } : {}),
    ...(m.video ? { video: m.video } : {}),
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

/** A video's or animated image's frames against the banks: photo entries in any frame, video entries by vPDQ. */
function matchMoving(ref: string, frames: VpdqFeature[], matcher: BankMatcher, out: ImageAnalysis): void {
  const result = matcher.matchVideo(frames);
  const byNumber = new Map(frames.map((f) => [f.frameNumber, f]));
  // The query frame that matched (or, for a whole-video match, the first good frame) stands for the video.
  const best = frames.reduce((a, b) => (b.quality > a.quality ? b : a));
  const push = (m: BankMatch, withdrawnBy?: 'negative-bank' | 'flood-quarantine') => {
    const f = (m.frame && byNumber.get(m.frame.frameNumber)) ?? best;
    out.evidence.push(matchEvidence(ref, f.hash, f.quality, m, withdrawnBy));
  };
  for (const m of result.matches) push(m);
  for (const m of result.suppressed) push(m, 'negative-bank');
  for (const m of result.quarantined) push(m, 'flood-quarantine');
  for (const m of result.negative) push(m);
}

async function analyseOne(
  source: ImageSource,
  deps: ImageAnalysisDeps,
  out: ImageAnalysis,
  videoBudget: { left: number },
): Promise<void> {
  const ref = source.kind === 'url' ? source.url : `upload:${source.name ?? 'image'}`;
  const record: AnalysedImage = { ref };
  out.images.push(record);
  try {
    const media = await intakeMedia(source, {
      fetch: deps.fetch,
      decode: deps.decode,
      video: videoLimitsSchema.parse(deps.video ?? {}),
      videoBudget,
    });
    if (media.kind !== 'still') {
      record.media = media.kind;
      if ('error' in media) {
        // Recorded as evidence, so the listing is not silently taken as clean: a reviewer sees it was not screened.
        record.error = media.error;
        out.evidence.push({ kind: 'media-unscreened', image: ref, ...media.error });
        return;
      }
      record.frames = media.frames.length;
      if (deps.matcher) matchMoving(ref, media.frames, deps.matcher, out);
      return;
    }
    const { bytes } = media;
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
    record.error = mediaErrorOf(err);
  }
}

function how(e: Extract<ImageEvidence, { kind: 'bank-match' }>): string {
  if (e.video) {
    return ` matched video ${e.bank} item ${e.itemId}: ${e.video.queryMatchPercent}% of its frames found within ${e.threshold} bits`;
  }
  const at = e.frame ? ` (frame at ${e.frame.timestamp.toFixed(1)} s)` : '';
  return `${at} matched ${e.bank} item ${e.itemId} at distance ${e.distance}/${e.threshold} (${e.variant})`;
}

function bankSignal(e: Extract<ImageEvidence, { kind: 'bank-match' }>): Signal {
  // Closer than the threshold means stronger: distance 0 -> 1.0, at the threshold -> 0.6.
  // A whole-video (vPDQ) match is as strong as the share of the listing video's frames the entry holds.
  const closeness = e.video
    ? e.video.queryMatchPercent / 100
    : 1 - (0.4 * e.distance) / Math.max(1, e.threshold);
  const strength = e.suppressed ? 0 : Number(closeness.toFixed(3));
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
    detail: `${e.image}${how(e)}${e.withdrawnBy ? `, withdrawn (${e.withdrawnBy})` : ''}`.slice(0, 2000),
  };
}

/** Analyses a listing's images one after another (bounded memory and CPU per listing). */
export async function analyseListingImages(
  images: readonly (ImageSource | string)[],
  deps: ImageAnalysisDeps,
): Promise<ImageAnalysis> {
  const out: ImageAnalysis = { images: [], evidence: [], signals: [] };
  const videoBudget = { left: videoLimitsSchema.parse(deps.video ?? {}).maxPerListing };
  for (const image of images) {
    await analyseOne(typeof image === 'string' ? { kind: 'url', url: image } : image, deps, out, videoBudget);
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
