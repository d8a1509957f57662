// wild-sentinel banks <subcommand>: manage PDQ hash banks and move them to and from HMA / python-threatexchange.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  BANK_FORMATS,
  type BankFormat,
  parseBankFile,
  serializeBank,
} from '../../detectors/image/bank-formats.ts';
import { BankMatcher } from '../../detectors/image/bank-matcher.ts';
import {
  addItems,
  BankError,
  createBank,
  getBank,
  type ItemInput,
  listBanks,
  listItems,
  setItemEnabled,
  updateBank,
} from '../../detectors/image/bank-store.ts';
import { ImageInputError } from '../../detectors/image/decode.ts';
import { mediaKind, VideoInputError, vpdqFromMedia } from '../../detectors/image/frames.ts';
import { pdqDihedralHashImage } from '../../detectors/image/hash-image.ts';
import { isPdqHash } from '../../detectors/image/pdq.ts';
import { parseVpdqFile, type VpdqFeature, VpdqFormatError } from '../../detectors/image/vpdq.ts';
import { loadConfig } from '../../shared/config.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel banks <command>
  list
  create <NAME> [--negative] [--threshold N] [--quality-floor N] [--description TEXT]
  update <NAME> [--threshold N] [--quality-floor N] [--enable | --disable]
  add <NAME> <image | video | animated image | vpdq file | hash…> [--species S] [--product P] [--note TEXT]
  import <NAME> <file> [--format ${BANK_FORMATS.join('|')}] [--create]
  export <NAME> [--format ${BANK_FORMATS.join('|')}]
  disable-item <ID> [--reason TEXT]   |   enable-item <ID>
  match <image | video | animated image…>
Uses DATABASE_URL, or the embedded database under DATA_DIR. The actor recorded in the audit log is $USER.
Examples:
  wild-sentinel banks create IVORY_CARVINGS --threshold 31
  wild-sentinel banks import IVORY_CARVINGS hashes.txt --format pytx --create
  wild-sentinel banks add IVORY_CARVINGS carving.jpg clip.mp4 clip.vpdq.txt --species elephant
  wild-sentinel banks match photo.jpg clip.mp4
Videos (and animated images) are banked as vPDQ entries; video needs ffmpeg.`;

const OPTIONS = {
  negative: { type: 'boolean' },
  threshold: { type: 'string' },
  'quality-floor': { type: 'string' },
  description: { type: 'string' },
  enable: { type: 'boolean' },
  disable: { type: 'boolean' },
  species: { type: 'string' },
  product: { type: 'string' },
  note: { type: 'string' },
  format: { type: 'string' },
  create: { type: 'boolean' },
  reason: { type: 'string' },
} as const;

const int = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** A `wild-sentinel vpdq` / vpdq-hash-video output file, or null when the bytes are not one. */
function asVpdqFile(bytes: Uint8Array): VpdqFeature[] | null {
  if (bytes.length === 0 || bytes.includes(0)) return null;
  try {
    const frames = parseVpdqFile(Buffer.from(bytes).toString('utf8'));
    return frames.length > 0 ? frames : null;
  } catch (err) {
    if (err instanceof VpdqFormatError) return null;
    throw err;
  }
}

/** One `banks add` argument as a bank item: a PDQ hash, a vPDQ file, a photo, or a video / animation. */
async function itemFromArgument(input: string, common: Partial<ItemInput>): Promise<ItemInput> {
  if (isPdqHash(input)) return { pdq: input, ...common };
  const bytes = await readFile(input);
  const vpdqFile = asVpdqFile(bytes);
  if (vpdqFile) return { vpdq: vpdqFile, ...common, metadata: { path: input } };
  if ((await mediaKind(bytes)) === 'still') {
    // A bank's hashes are shared with other organisations: hash as the reference does.
    const r = await pdqDihedralHashImage(bytes, undefined, { exact: true });
    return { pdq: r.hashes.original, quality: r.quality, ...common, metadata: { path: input } };
  }
  return { vpdq: await vpdqFromMedia(bytes), ...common, metadata: { path: input } };
}

function formatOf(value: string | undefined, fallback: BankFormat): BankFormat {
  const f = value ?? fallback;
  if (!(BANK_FORMATS as readonly string[]).includes(f)) throw new BankError('invalid', `unknown format ${f}`);
  return f as BankFormat;
}

export async function run(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: o, positionals } = parsed;
  const [command, ...rest] = positionals;
  const actor = process.env.USER ?? 'cli';
  try {
    switch (command) {
      case 'list':
        return await withDatabase(loadConfig(), async (db) => {
          for (const b of await listBanks(db)) {
            const { rows } = await db.query<{ n: number; videos: number }>(
              `SELECT count(*) FILTER (WHERE enabled)::int AS n,
                      count(*) FILTER (WHERE enabled AND vpdq IS NOT NULL)::int AS videos
               FROM image_hash_items WHERE bank_id = $1`,
              [b.id],
            );
            console.log(
              `${b.name}\t${b.kind}\tthreshold=${b.matchThreshold}\tquality>=${b.qualityFloor}\t${b.enabled ? 'enabled' : 'disabled'}\titems=${rows[0]!.n}\tvideos=${rows[0]!.videos}`,
            );
          }
          return 0;
        });
      case 'create':
        return await withDatabase(loadConfig(), async (db) => {
          const b = await createBank(
            db,
            {
              name: rest[0] ?? '',
              kind: o.negative ? 'negative' : 'positive',
              matchThreshold: int(o.threshold),
              qualityFloor: int(o['quality-floor']),
              description: o.description,
            },
            actor,
          );
          console.log(
            `created ${b.kind} bank ${b.name} (threshold ${b.matchThreshold}, quality >= ${b.qualityFloor})`,
          );
          return 0;
        });
      case 'update':
        return await withDatabase(loadConfig(), async (db) => {
          const enabled = o.enable ? true : o.disable ? false : undefined;
          const b = await updateBank(
            db,
            rest[0] ?? '',
            { matchThreshold: int(o.threshold), qualityFloor: int(o['quality-floor']), enabled },
            actor,
          );
          console.log(
            `${b.name}: threshold ${b.matchThreshold}, quality >= ${b.qualityFloor}, ${b.enabled ? 'enabled' : 'disabled'}`,
          );
          return 0;
        });
      case 'add': {
        const [name, ...inputs] = rest;
        if (!name || inputs.length === 0) break;
        const items: ItemInput[] = [];
        const common = { species: o.species, product: o.product, note: o.note };
        for (const input of inputs) items.push(await itemFromArgument(input, common));
        return await withDatabase(loadConfig(), async (db) => {
          const r = await addItems(db, name, items, actor);
          console.log(
            `added ${r.added}, already present ${r.duplicates}, below quality floor ${r.belowQualityFloor.length}`,
          );
          return r.belowQualityFloor.length > 0 ? 1 : 0;
        });
      }
      case 'import': {
        const [name, file] = rest;
        if (!name || !file) break;
        const format = formatOf(o.format, 'pytx');
        const parsedFile = parseBankFile(await readFile(file, 'utf8'), format);
        if (parsedFile.errors.length > 0) {
          console.error(
            `not imported: ${parsedFile.errors.length} problem(s)\n${parsedFile.errors.slice(0, 20).join('\n')}`,
          );
          return 1;
        }
        return await withDatabase(loadConfig(), async (db) => {
          if (o.create) {
            await createBank(db, { name }, actor).catch((err) => {
              if (!(err instanceof BankError && err.code === 'exists')) throw err;
            });
          }
          const r = await addItems(db, name, parsedFile.items, actor);
          const skipped = Object.entries(parsedFile.skippedSignalTypes).map(([t, n]) => `${n} ${t}`);
          console.log(
            `imported ${r.added} into ${name}; already present ${r.duplicates}; below quality floor ${r.belowQualityFloor.length}${skipped.length ? `; skipped other signal types: ${skipped.join(', ')}` : ''}`,
          );
          return 0;
        });
      }
      case 'export': {
        const [name] = rest;
        if (!name) break;
        const format = formatOf(o.format, 'pytx');
        return await withDatabase(loadConfig(), async (db) => {
          process.stdout.write(serializeBank(await getBank(db, name), await listItems(db, name), format));
          return 0;
        });
      }
      case 'disable-item':
      case 'enable-item': {
        const id = Number(rest[0]);
        if (!Number.isInteger(id)) break;
        return await withDatabase(loadConfig(), async (db) => {
          const enabling = command === 'enable-item';
          const item = await setItemEnabled(db, id, enabling, o.reason ?? null, actor);
          console.log(`item ${item.id} ${item.enabled ? 'enabled' : 'disabled'}`);
          return 0;
        });
      }
      case 'match': {
        if (rest.length === 0) break;
        return await withDatabase(loadConfig(), async (db) => {
          const matcher = new BankMatcher();
          await matcher.load(db);
          for (const path of rest) {
            const bytes = await readFile(path);
            let result: ReturnType<BankMatcher['match']>;
            let quality: string;
            if ((await mediaKind(bytes)) === 'still') {
              const r = await pdqDihedralHashImage(bytes);
              result = matcher.match({ hashes: r.hashes, quality: r.quality });
              quality = String(r.quality);
            } else {
              const frames = await vpdqFromMedia(bytes);
              result = matcher.matchVideo(frames);
              quality = `${frames.length} frames`;
            }
            const how = (m: (typeof result.matches)[number]) =>
              m.video
                ? `video ${m.video.queryMatchPercent}% of frames found, ${m.video.comparedMatchPercent}% of the entry's`
                : `distance=${m.distance}\t${m.variant}${m.frame ? `\tframe=${m.frame.frameNumber}@${m.frame.timestamp}s` : ''}`;
            const lines = [
              ...result.matches.map((m) => `match\t${m.bank}\titem=${m.itemId}\t${how(m)}`),
              ...result.suppressed.map(
                (m) => `suppressed\t${m.bank}\titem=${m.itemId}\tdistance=${m.distance}`,
              ),
              ...result.negative.map((m) => `negative\t${m.bank}\titem=${m.itemId}\tdistance=${m.distance}`),
            ];
            console.log(`${path}\tquality=${quality}\t${lines.length ? '' : 'no match'}`);
            for (const l of lines) console.log(`  ${l}`);
          }
          return 0;
        });
      }
    }
  } catch (err) {
    if (err instanceof BankError || err instanceof ImageInputError || err instanceof VideoInputError) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    if (err instanceof Error && err.name === 'ZodError') {
      console.error(`invalid input: ${err.message}`);
      return 1;
    }
    throw err;
  }
  console.error(USAGE);
  return 2;
}
