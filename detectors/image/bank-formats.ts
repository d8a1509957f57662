// Moving banks between Wild Sentinel and Meta's tools.
//
// - `pytx`: python-threatexchange's local signal file (LocalFileSignalExchangeAPI, also an HMA exchange
//   type): one `<signal_type> <signal>` per line, e.g. `pdq 3b...`; a bare hash is read as PDQ when the
//   file's signal type is known. Video entries are `vpdq <signal>`, the signal being python-threatexchange's
//   VideoVPDQSignal string (a JSON array of "hash,quality,timestamp"). Other signal types (video_md5,
//   raw_text, ...) are counted and skipped.
// - `hma`: a JSON bundle made of HMA 2.0's own curation objects: the bank as GET /c/bank/<name> returns it
//   ({name, matching_enabled_ratio}), and per item the body POST /c/bank/<name>/signal takes ({"pdq": ...}
//   or {"vpdq": <signal string>})
//   with the content metadata HMA stores (content_id, content_uri, json). Our fields ride in `json`.
// - `pdq-csv`: the reference hasher's output, `hash,quality,path` (what `wild-sentinel pdq` prints); photos only.
import { z } from 'zod';
import type { Bank, BankItem, ItemInput } from './bank-store.ts';
import { MAX_VPDQ_FRAMES, pdqHexSchema } from './bank-store.ts';
import { formatVpdqSignal, parseVpdqSignal, type VpdqFeature, VpdqFormatError } from './vpdq.ts';

export const BANK_FORMATS = ['pytx', 'hma', 'pdq-csv'] as const;
export type BankFormat = (typeof BANK_FORMATS)[number];

export interface ParsedBankFile {
  items: ItemInput[];
  /** Lines or entries that carry another signal type. */
  skippedSignalTypes: Record<string, number>;
  /** Problems with line/entry numbers; a file with errors imports nothing. */
  errors: string[];
  /** For `hma` bundles: the bank's name and whether it was enabled. */
  bank?: { name: string; enabled: boolean };
}

export class BankFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid bank file:\n${problems
        .slice(0, 20)
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    );
    this.name = 'BankFormatError';
  }
}

/** Longest file accepted, so an import cannot be used to exhaust memory. */
export const MAX_BANK_FILE_BYTES = 200 * 1024 * 1024;

/** SIGNAL_TYPE names as python-threatexchange and HMA spell them. */
const PDQ = 'pdq';
const VPDQ = 'vpdq';

/** A vPDQ signal string, or the reason it is not one. */
function readVpdq(signal: string): VpdqFeature[] | string {
  try {
    const frames = parseVpdqSignal(signal);
    if (frames.length === 0) return 'a vPDQ signal without frames';
    if (frames.length > MAX_VPDQ_FRAMES) return `a vPDQ signal of more than ${MAX_VPDQ_FRAMES} frames`;
    return frames;
  } catch (err) {
    if (err instanceof VpdqFormatError) return `not a vPDQ signal (${err.message})`;
    throw err;
  }
}

function parsePytx(text: string, source: string): ParsedBankFile {
  const out: ParsedBankFile = { items: [], skippedSignalTypes: {}, errors: [] };
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const [first, ...rest] = line.split(/\s+/);
    const [type, value] = rest.length === 0 ? [PDQ, first!] : [first!, rest.join(' ')];
    if (type === VPDQ) {
      const frames = readVpdq(value);
      if (typeof frames === 'string') out.errors.push(`line ${n + 1}: ${frames}`);
      else out.items.push({ vpdq: frames, source });
      continue;
    }
    if (type !== PDQ) {
      out.skippedSignalTypes[type] = (out.skippedSignalTypes[type] ?? 0) + 1;
      continue;
    }
    const hash = pdqHexSchema.safeParse(value);
    if (!hash.success) out.errors.push(`line ${n + 1}: not a PDQ hash`);
    else out.items.push({ pdq: hash.data, source });
  }
  return out;
}

function parsePdqCsv(text: string, source: string): ParsedBankFile {
  const out: ParsedBankFile = { items: [], skippedSignalTypes: {}, errors: [] };
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || /^hash,/.test(line)) continue;
    const [hashText, qualityText, ...path] = line.split(',');
    const hash = pdqHexSchema.safeParse(hashText);
    const quality = Number(qualityText);
    if (!hash.success || !Number.isInteger(quality) || quality < 0 || quality > 100) {
      out.errors.push(`line ${n + 1}: expected hash,quality,path`);
      continue;
    }
    out.items.push({
      pdq: hash.data,
      quality,
      source,
      metadata: path.length ? { path: path.join(',') } : {},
    });
  }
  return out;
}

const hmaOurFields = z
  .object({
    species: z.string().max(200).nullish(),
    product: z.string().max(200).nullish(),
    quality: z.number().int().min(0).max(100).nullish(),
    note: z.string().max(2000).nullish(),
  })
  .loose();

const hmaBundleSchema = z.object({
  bank: z.object({ name: z.string(), matching_enabled_ratio: z.number().min(0).max(1).default(1) }),
  content: z.array(
    z.object({
      id: z.union([z.number(), z.string()]).optional(),
      enabled: z.boolean().default(true),
      signals: z.record(z.string(), z.string()),
      metadata: z
        .object({
          content_id: z.string().optional(),
          content_uri: z.string().optional(),
          json: hmaOurFields.optional(),
        })
        .optional(),
    }),
  ),
});
export type HmaBundle = z.infer<typeof hmaBundleSchema>;

function parseHma(text: string, source: string): ParsedBankFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { items: [], skippedSignalTypes: {}, errors: [`not JSON: ${(err as Error).message}`] };
  }
  const parsed = hmaBundleSchema.safeParse(json);
  if (!parsed.success) {
    return {
      items: [],
      skippedSignalTypes: {},
      errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  const out: ParsedBankFile = {
    items: [],
    skippedSignalTypes: {},
    errors: [],
    bank: { name: parsed.data.bank.name, enabled: parsed.data.bank.matching_enabled_ratio > 0 },
  };
  for (const [n, entry] of parsed.data.content.entries()) {
    for (const type of Object.keys(entry.signals).filter((t) => t !== PDQ && t !== VPDQ)) {
      out.skippedSignalTypes[type] = (out.skippedSignalTypes[type] ?? 0) + 1;
    }
    // One content item can carry both (a video and its cover photo): each becomes its own bank item.
    const signals: ({ pdq: string } | { vpdq: VpdqFeature[] })[] = [];
    if (entry.signals.pdq !== undefined) {
      const hash = pdqHexSchema.safeParse(entry.signals.pdq);
      if (hash.success) signals.push({ pdq: hash.data });
      else out.errors.push(`content ${n}: not a PDQ hash`);
    }
    if (entry.signals.vpdq !== undefined) {
      const frames = readVpdq(entry.signals.vpdq);
      if (typeof frames === 'string') out.errors.push(`content ${n}: ${frames}`);
      else signals.push({ vpdq: frames });
    }
    if (signals.length === 0) continue;
    const { species, product, quality, note, ...rest } = entry.metadata?.json ?? {};
    const metadata: Record<string, unknown> = { ...rest };
    if (entry.metadata?.content_id !== undefined) metadata.content_id = entry.metadata.content_id;
    if (entry.metadata?.content_uri !== undefined) metadata.content_uri = entry.metadata.content_uri;
    if (entry.id !== undefined) metadata.hma_id = entry.id;
    for (const signal of signals) {
      out.items.push({
        ...signal,
        // The photo quality rides in `json`; a video's qualities are in its frames.
        quality: 'pdq' in signal ? (quality ?? null) : null,
        species: species ?? null,
        product: product ?? null,
        note: note ?? null,
        enabled: entry.enabled,
        metadata,
        source,
      });
    }
  }
  return out;
}

export function parseBankFile(text: string, format: BankFormat, source: string = format): ParsedBankFile {
  if (text.length > MAX_BANK_FILE_BYTES) {
    return {
      items: [],
      skippedSignalTypes: {},
      errors: [`file is larger than ${MAX_BANK_FILE_BYTES} bytes`],
    };
  }
  switch (format) {
    case 'pytx':
      return parsePytx(text, source);
    case 'pdq-csv':
      return parsePdqCsv(text, source);
    case 'hma':
      return parseHma(text, source);
  }
}

/** Serialises a bank; disabled items are left out of `pytx` (it has no notion of them). */
export function serializeBank(bank: Bank, items: BankItem[], format: BankFormat): string {
  switch (format) {
    case 'pytx':
      return items
        .filter((i) => i.enabled)
        .map((i) => (i.vpdq ? `${VPDQ} ${formatVpdqSignal(i.vpdq)}\n` : `${PDQ} ${i.pdq}\n`))
        .join('');
    case 'pdq-csv':
      return items
        .filter((i) => i.enabled && i.pdq !== null && i.quality !== null)
        .map(
          (i) =>
            `${i.pdq},${i.quality},${typeof i.metadata.path === 'string' ? i.metadata.path : `item:${i.id}`}\n`,
        )
        .join('');
    case 'hma': {
      const bundle: HmaBundle = {
        bank: { name: bank.name, matching_enabled_ratio: bank.enabled ? 1 : 0 },
        content: items.map((i) => {
          const { content_id, content_uri, hma_id: _hmaId, ...rest } = i.metadata;
          return {
            id: i.id,
            enabled: i.enabled,
            signals: i.vpdq
              ? ({ [VPDQ]: formatVpdqSignal(i.vpdq) } as Record<string, string>)
              : { [PDQ]: i.pdq ?? '' },
            metadata: {
              ...(typeof content_id === 'string' ? { content_id } : { content_id: `wild-sentinel:${i.id}` }),
              ...(typeof content_uri === 'string' ? { content_uri } : {}),
              json: { ...rest, species: i.species, product: i.product, quality: i.quality, note: i.note },
            },
          };
        }),
      };
      return `${JSON.stringify(bundle, null, 2)}\n`;
    }
  }
}
