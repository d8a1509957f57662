// vPDQ, Meta's video hash (facebook/ThreatExchange, vpdq/): a video is the bag of the PDQ hashes of one
// frame per second, each with its frame number, quality and timestamp. Two videos match by how many of
// their distinct, good-quality frames find a close frame in the other, in both directions. Pure: frame
// extraction lives in frames.ts.
//
// Two text forms interoperate with ThreatExchange:
//   - vpdq-hash-video's file: one line per frame, `frameNumber,quality,pdqHex,timestamp` (3 decimals);
//   - python-threatexchange's signal (HMA banks): a JSON array of `"pdqHex,quality,timestamp"` strings.
import { isPdqHash, PDQ_MATCH_THRESHOLD, PDQ_QUALITY_THRESHOLD, pdqToWords, popcount32 } from './pdq.ts';

export interface VpdqFeature {
  frameNumber: number;
  /** 0..100, PDQ's quality of the frame. */
  quality: number;
  hash: string;
  /** Seconds from the start. */
  timestamp: number;
}

/** python-threatexchange's defaults: a frame pair matches at distance <= 31, frames under quality 50 are ignored, and a video matches when 80% of the query's frames are found. */
export interface VpdqMatchOptions {
  /** A frame pair matches at Hamming distance <= this. */
  distance: number;
  /** Frames under this quality take no part. */
  quality: number;
  queryMatchPercent: number;
  comparedMatchPercent: number;
}

export const VPDQ_DEFAULTS: Readonly<VpdqMatchOptions> = {
  distance: PDQ_MATCH_THRESHOLD,
  quality: PDQ_QUALITY_THRESHOLD,
  queryMatchPercent: 80,
  comparedMatchPercent: 0,
};

export class VpdqFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VpdqFormatError';
  }
}

function checked(f: VpdqFeature, where: string): VpdqFeature {
  if (!isPdqHash(f.hash)) throw new VpdqFormatError(`${where}: not a PDQ hash`);
  if (!Number.isInteger(f.quality) || f.quality < 0 || f.quality > 100)
    throw new VpdqFormatError(`${where}: quality must be 0..100`);
  if (!Number.isInteger(f.frameNumber) || f.frameNumber < 0)
    throw new VpdqFormatError(`${where}: bad frame number`);
  if (!Number.isFinite(f.timestamp) || f.timestamp < 0) throw new VpdqFormatError(`${where}: bad timestamp`);
  return { ...f, hash: f.hash.toLowerCase() };
}

/** vpdq-hash-video's output file. */
export function formatVpdqFile(features: readonly VpdqFeature[]): string {
  return features.map((f) => `${f.frameNumber},${f.quality},${f.hash},${f.timestamp.toFixed(3)}\n`).join('');
}

export function parseVpdqFile(text: string): VpdqFeature[] {
  const out: VpdqFeature[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const parts = line.split(',');
    if (parts.length < 4) throw new VpdqFormatError(`line ${i + 1}: expected frame,quality,hash,timestamp`);
    out.push(
      checked(
        {
          frameNumber: Number(parts[0]),
          quality: Number(parts[1]),
          hash: parts[2]!,
          timestamp: Number(parts[3]),
        },
        `line ${i + 1}`,
      ),
    );
  }
  return out;
}

/** The items of python-threatexchange's signal: `"hash,quality,timestamp"` per frame. */
export function vpdqSignalItems(features: readonly VpdqFeature[]): string[] {
  return features.map((f) => `${f.hash},${f.quality},${f.timestamp.toFixed(3)}`);
}

/** python-threatexchange's signal string (frame numbers are not carried; they are renumbered in order). */
export function formatVpdqSignal(features: readonly VpdqFeature[]): string {
  return JSON.stringify(vpdqSignalItems(features));
}

export function parseVpdqSignal(text: string): VpdqFeature[] {
  let items: unknown;
  try {
    items = JSON.parse(text || '[]');
  } catch {
    throw new VpdqFormatError('a vPDQ signal is a JSON array of "hash,quality,timestamp" strings');
  }
  if (!Array.isArray(items)) throw new VpdqFormatError('a vPDQ signal is a JSON array');
  return items.map((item, i) => {
    const parts = typeof item === 'string' ? item.split(',') : [];
    if (parts.length !== 3) throw new VpdqFormatError(`frame ${i}: expected "hash,quality,timestamp"`);
    return checked(
      { frameNumber: i, hash: parts[0]!, quality: Number(parts[1]), timestamp: Number(parts[2]) },
      `frame ${i}`,
    );
  });
}

/** The frames that take part in matching: quality at least `quality`, each distinct hash once. */
export function matchableFrames(features: readonly VpdqFeature[], quality: number = VPDQ_DEFAULTS.quality) {
  const seen = new Set<string>();
  const out: Uint32Array[] = [];
  for (const f of features) {
    if (f.quality < quality || seen.has(f.hash)) continue;
    seen.add(f.hash);
    out.push(pdqToWords(f.hash));
  }
  return out;
}

function countFound(from: Uint32Array[], into: Uint32Array[], distance: number): number {
  let found = 0;
  for (const a of from) {
    for (const b of into) {
      let d = 0;
      for (let w = 0; w < 8 && d <= distance; w++) d += popcount32(a[w]! ^ b[w]!);
      if (d <= distance) {
        found++;
        break;
      }
    }
  }
  return found;
}

export interface VpdqMatch {
  /** Share of the query's matchable frames found in the compared video, 0..100. */
  queryMatchPercent: number;
  /** Share of the compared video's matchable frames found in the query, 0..100. */
  comparedMatchPercent: number;
  isMatch: boolean;
}

/** ThreatExchange's brute-force vPDQ comparison. Either side without matchable frames matches nothing. */
export function matchVpdq(
  query: readonly VpdqFeature[],
  compared: readonly VpdqFeature[],
  options: Partial<VpdqMatchOptions> = {},
): VpdqMatch {
  const o = { ...VPDQ_DEFAULTS, ...options };
  const q = matchableFrames(query, o.quality);
  const c = matchableFrames(compared, o.quality);
  if (q.length === 0 || c.length === 0)
    return { queryMatchPercent: 0, comparedMatchPercent: 0, isMatch: false };
  const queryMatchPercent = (countFound(q, c, o.distance) * 100) / q.length;
  const comparedMatchPercent = (countFound(c, q, o.distance) * 100) / c.length;
  return {
    queryMatchPercent,
    comparedMatchPercent,
    isMatch: queryMatchPercent >= o.queryMatchPercent && comparedMatchPercent >= o.comparedMatchPercent,
  };
}
