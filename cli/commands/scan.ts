// wild-sentinel scan <file.jsonl | ->: screens one listing per line and writes one JSON verdict per line.
// Invalid lines (bad UTF-8, bad JSON, missing or oversized fields, control characters) are reported on
// stderr with their line number and skipped; the exit code is 1 if any line was invalid.
import { createReadStream, fstatSync, statSync } from 'node:fs';
import { z } from 'zod';
import { createLlmTriage, triageReason } from '../../detectors/llm/index.ts';
import { decideFromText } from '../../detectors/screen.ts';
import { getActiveLibrary, screenWith } from '../../detectors/text/index.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { MAX_TEXT_LENGTH } from '../../shared/listing.ts';
import { type ProgressBar, progressBar } from '../progress.ts';

/** Inputs at least this large get a progress bar when stderr is a terminal (smaller ones end too soon). */
export const PROGRESS_MIN_BYTES = 1024 * 1024;

/** The input's size when it is a regular file (named, or redirected to stdin); undefined for a pipe. */
function inputSize(source: string): number | undefined {
  try {
    const stat = source === '-' ? fstatSync(0) : statSync(source);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** Counts the bytes that pass, for the progress bar. */
async function* counted(stream: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/** Longest accepted input line in bytes; longer lines are rejected without being parsed. */
export const MAX_LINE_BYTES = 1_000_000;

const noControl = (s: string) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s);
const text = (max: number) =>
  z
    .string()
    .max(max, `longer than ${max} characters`)
    .refine(noControl, 'must not contain control characters');

export const scanLineSchema = z.object({
  id: z.union([z.string().min(1).max(200), z.number().int()]),
  title: text(1000),
  description: text(MAX_TEXT_LENGTH).optional(),
  platform: z.string().max(200).optional(),
  price: z.number().finite().nonnegative().optional(),
  currency: z.string().max(10).optional(),
  language: z.string().max(35).optional(),
  seller: z.union([z.string().max(200), z.object({ id: z.string().max(200) }).loose()]).optional(),
  url: z.string().max(2000).optional(),
});

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Splits a byte stream into lines without decoding, so invalid UTF-8 is caught per line. */
async function* lines(stream: AsyncIterable<Buffer>): AsyncGenerator<{ bytes: Buffer; tooLong: boolean }> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let tooLong = false;
  for await (const chunk of stream) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const line = pendingLength === 0 ? piece : Buffer.concat([...pending, piece]);
      yield { bytes: line, tooLong: tooLong || line.length > MAX_LINE_BYTES };
      pending = [];
      pendingLength = 0;
      tooLong = false;
      from = nl + 1;
    }
    const rest = chunk.subarray(from);
    if (rest.length > 0) {
      if (pendingLength + rest.length > MAX_LINE_BYTES) {
        tooLong = true; // keep counting the line, but stop buffering it
      } else pending.push(Buffer.from(rest));
      pendingLength += rest.length;
    }
  }
  if (pendingLength > 0) yield { bytes: Buffer.concat(pending), tooLong };
}

/** Parses and validates one line; returns an error message or the listing. */
export function parseLine(
  bytes: Buffer,
  tooLong: boolean,
): { error: string } | { listing: z.infer<typeof scanLineSchema> } {
  if (tooLong) return { error: `line longer than ${MAX_LINE_BYTES} bytes` };
  let textLine: string;
  try {
    textLine = decoder.decode(bytes);
  } catch {
    return { error: 'invalid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(textLine);
  } catch (err) {
    return { error: `invalid JSON (${(err as Error).message})` };
  }
  const result = scanLineSchema.safeParse(json);
  if (!result.success) {
    return {
      error: result.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '),
    };
  }
  return { listing: result.data };
}

export const USAGE =
  'usage: wild-sentinel scan <file.jsonl | ->\nScreens one JSON listing per line; prints one JSON verdict per line.\nExamples:\n  wild-sentinel scan listings.jsonl > verdicts.jsonl\n  cat listings.jsonl | wild-sentinel scan -';

export async function run(args: string[]): Promise<number | undefined> {
  const source = args[0];
  // "-" is standard input; any other word starting with "-" is an option scan does not have.
  if (!source || args.length > 1 || (source.startsWith('-') && source !== '-')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  // Verdicts come from the policy engine (base policy; the listing's platform picks its overrides), and
  // from LLM triage on top wherever LLM_BASE_URL is set: it can add evidence, never lower a verdict.
  const triage = createLlmTriage(config);
  const input = source === '-' ? process.stdin : createReadStream(source);
  const library = getActiveLibrary();
  // A progress bar only on a terminal and for large (or unknown-size) inputs; stdout is never touched.
  const totalBytes = inputSize(source);
  const bar: ProgressBar | undefined =
    process.stderr.isTTY === true && (totalBytes === undefined || totalBytes >= PROGRESS_MIN_BYTES)
      ? progressBar(process.stderr)
      : undefined;
  let bytesRead = 0;
  const started = performance.now();
  const counts = { allow: 0, review: 0, block: 0, invalid: 0 };
  let lineNo = 0;
  let out = '';
  try {
    const chunks = counted(input as AsyncIterable<Buffer>, (n) => {
      bytesRead += n;
    });
    for await (const { bytes, tooLong } of lines(chunks)) {
      lineNo++;
      if (bar && lineNo % 256 === 0)
        bar.update({ items: counts.allow + counts.review + counts.block, bytes: bytesRead, totalBytes });
      if (!tooLong && bytes.length === 0) continue; // blank lines are not listings
      const parsed = parseLine(bytes, tooLong);
      if ('error' in parsed) {
        counts.invalid++;
        bar?.clear();
        process.stderr.write(`line ${lineNo}: ${parsed.error}\n`);
        continue;
      }
      const { listing } = parsed;
      const text = { title: listing.title, description: listing.description, language: listing.language };
      const context = { platformId: listing.platform ?? 'default' };
      let d = decideFromText(screenWith(library, text), context);
      if (triage && triageReason(text, d) !== null) {
        d = await triage.triage({ ...text, price: listing.price, currency: listing.currency }, d, context);
      }
      counts[d.verdict]++;
      out += `${JSON.stringify({
        id: listing.id,
        verdict: d.verdict,
        score: d.score,
        species: d.species,
        clause: d.clause,
        explanation: d.explanation,
        evidence: d.evidence.map(({ detector, term, kind, field, start, end, detail }) => ({
          detector,
          term,
          kind,
          field,
          start,
          end,
          detail,
        })),
        ...(d.triage ? { triage: d.triage } : {}),
      })}\n`;
      if (out.length > 65536) {
        if (process.stdout.isTTY) bar?.clear(); // stdout on the same terminal: no bar left mid-line
        if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        out = '';
      }
    }
  } catch (err) {
    bar?.clear();
    process.stderr.write(`\ncannot read ${source}: ${(err as Error).message}\n`);
    return 2;
  }
  if (out) process.stdout.write(out);
  const seconds = (performance.now() - started) / 1000;
  const screened = counts.allow + counts.review + counts.block;
  bar?.clear();
  process.stderr.write(
    `scanned ${screened} listings in ${seconds.toFixed(2)}s with library ${library.version}: ` +
      `${counts.block} block, ${counts.review} review, ${counts.allow} allow, ${counts.invalid} invalid lines\n`,
  );
  return counts.invalid > 0 ? 1 : 0;
}
