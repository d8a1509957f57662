// npm run bench:image — image detection throughput on this machine. Prints a human-readable table, then
// one JSON line (the last line) for CI and reports.
//   PDQ photos/s from file bytes to hash on the eight bridge photos (1600x1004 JPEG): ours on one thread and
//   on a worker pool over every core, by default and with --exact's full-size decode, against Meta's
//   reference (PyPI pdqhash + Pillow, in a venv created here; skipped with a note without Python) in one
//   process and in one per core, and the ratios; CPU ms per photo on both sides; hash-only CPU time;
//   index lookup µs (d <= 31, random hashes) at 10k, 100k and 1M entries; OCR ms per image.
// Also vPDQ of a 720p video made by ffmpeg, in multiples of real time, against PyPI's vpdq (built from
// source by pip: skipped with the reason where it cannot be) with the bits between the two per frame.
// Options: --quick (fewer rounds, 10k/100k only), --no-ocr, --no-reference, --no-video. Figures scale with the
// machine's load, which is printed: on a shared machine run it a few times and take medians.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodeImage } from '../detectors/image/decode.ts';
import { vpdqFromVideoFile } from '../detectors/image/frames.ts';
import { PdqHashIndex } from '../detectors/image/hash-index.ts';
import { createPaddleOcr } from '../detectors/image/ocr.ts';
import { pdqDistance, pdqFromPixels } from '../detectors/image/pdq.ts';
import { inThreadHasher, type PdqHasher, PdqWorkerPool } from '../detectors/image/pdq-pool.ts';
import { referencePython, referenceVpdqPython, runReference, runVpdqReference } from './pdq-reference.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const images = fileURLToPath(new URL('../../shared/fixtures/pdq/images/', import.meta.url));
const photoPaths = readdirSync(images)
  .filter((f) => /^bridge-\d/.test(f))
  .map((f) => images + f);
const photos = photoPaths.map((f) => readFileSync(f));

// The load average is part of the result: on a shared machine every figure below scales with it.
const results: Record<string, number | string> = {
  cpus: availableParallelism(),
  loadAvg1m: Number(loadavg()[0]!.toFixed(2)),
};
const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);

// --- PDQ, ours against Meta's reference, from file bytes to hash -----------------------------------
// Rounds alternate between the two sides so that both see the same load on a shared machine; each
// figure is the median round.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cores = availableParallelism();
// Each round hashes the photos three times over, long enough for both sides' worker start-up not to count.
const roundPhotos = [...photos, ...photos, ...photos];
const roundPaths = [...photoPaths, ...photoPaths, ...photoPaths];
async function hashAll(hasher: PdqHasher, options: { exact?: boolean }, window: number) {
  let next = 0;
  const lane = async () => {
    while (next < roundPhotos.length) await hasher.hash(roundPhotos[next++]!, options);
  };
  await Promise.all(Array.from({ length: window }, lane));
}
async function roundRate(hasher: PdqHasher, options: { exact?: boolean }, window: number) {
  const t0 = performance.now();
  await hashAll(hasher, options, window);
  return roundPhotos.length / ((performance.now() - t0) / 1000);
}
{
  const rounds = quick ? 3 : 5;
  const here = inThreadHasher();
  const pool = new PdqWorkerPool({ size: cores });
  await hashAll(here, {}, 1); // warm-up (libvips init, JIT)
  await hashAll(pool, {}, cores * 2);
  const reference = args.has('--no-reference') ? { skipped: '--no-reference' } : referencePython();
  const rates: Record<string, number[]> = {
    one: [],
    pool: [],
    exactOne: [],
    exactPool: [],
    ref1: [],
    refN: [],
  };
  for (let r = 0; r < rounds; r++) {
    rates.one!.push(await roundRate(here, {}, 1));
    rates.pool!.push(await roundRate(pool, {}, cores * 2));
    rates.exactOne!.push(await roundRate(here, { exact: true }, 1));
    rates.exactPool!.push(await roundRate(pool, { exact: true }, cores * 2));
    if ('python' in reference) {
      rates.ref1!.push(...runReference(reference.python, roundPaths, 1, 1).rates);
      if (cores > 1) rates.refN!.push(...runReference(reference.python, roundPaths, 1, cores).rates);
    }
  }
  await pool.close();
  // CPU per photo on one thread: what a core costs, whatever else the machine runs.
  const c0 = process.cpuUsage();
  await hashAll(here, {}, 1);
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000 / roundPhotos.length;
  // The same, split by JPEG kind: a large progressive file is read from its DC scans alone (jpeg-dc.ts),
  // a baseline one is decoded by libvips at 1/8 scale.
  const kinds = await jpegKinds();
  const kindCpuMs: Record<string, number> = {};
  for (const [kind, members] of Object.entries(kinds)) {
    if (members.length === 0) continue;
    const k0 = process.cpuUsage();
    for (let r = 0; r < 6; r++) for (const i of members) await here.hash(photos[i]!);
    const k = process.cpuUsage(k0);
    kindCpuMs[kind] = (k.user + k.system) / 1000 / (6 * members.length);
    results[`pdqCpuMsPer${capitalised(kind)}Photo`] = Number(kindCpuMs[kind]!.toFixed(2));
  }
  const fig = (k: string) => Number(median(rates[k]!).toFixed(1));
  results.pdqPhotos = `${photos.length} photos ~1600x1004 JPEG`;
  results.pdqPerSecOneThread = fig('one');
  results.pdqPerSecAllCores = fig('pool');
  results.pdqExactPerSecOneThread = fig('exactOne');
  results.pdqExactPerSecAllCores = fig('exactPool');
  results.pdqCpuMsPerPhoto = Number(cpuMs.toFixed(2));
  line(
    `PDQ from file, one thread (${photos.length} photos ~1600x1004)`,
    `${fig('one')} photos/s, ${cpuMs.toFixed(1)} ms CPU/photo`,
  );
  line(
    '  CPU/photo by kind',
    Object.entries(kindCpuMs)
      .map(([kind, ms]) => `${kind} ${ms.toFixed(1)} ms (${kinds[kind]!.length} photos)`)
      .join(', '),
  );
  line(`PDQ from file, worker pool on ${cores} cores`, `${fig('pool')} photos/s`);
  line('PDQ from file, full-size decode (--exact), one thread', `${fig('exactOne')} photos/s`);
  line(`PDQ from file, full-size decode (--exact), ${cores} cores`, `${fig('exactPool')} photos/s`);
  if ('python' in reference) {
    const run = runReference(reference.python, photoPaths, 1, 1);
    let maxBits = 0;
    for (const [i, p] of photos.entries()) {
      const ours = await here.hash(p, { exact: true });
      maxBits = Math.max(maxBits, pdqDistance(ours.hash, run.hashes[i]!.hash));
    }
    const ref1 = fig('ref1');
    const refN = rates.refN!.length > 0 ? fig('refN') : ref1;
    results.referencePerSecOneProcess = ref1;
    results.referencePerSecAllCores = refN;
    results.referenceCpuMsPerPhoto = Number((run.cpuMsPerPhoto ?? 0).toFixed(2));
    results.exactVsReferenceMaxBits = maxBits;
    results.ratioAllCoresVsReferenceOneProcess = Number((fig('pool') / ref1).toFixed(2));
    results.ratioAllCoresVsReferenceAllCores = Number((fig('pool') / refN).toFixed(2));
    results.ratioOneThreadVsReferenceOneProcess = Number((fig('one') / ref1).toFixed(2));
    line(
      `reference (pdqhash ${run.pdqhash} + Pillow), one process`,
      `${ref1} photos/s, ${run.cpuMsPerPhoto?.toFixed(1)} ms CPU/photo`,
    );
    line(`reference, ${cores} processes`, `${refN} photos/s`);
    for (const [kind, members] of Object.entries(kinds)) {
      if (members.length === 0) continue;
      const paths = Array.from({ length: 3 }, () => members.map((i) => photoPaths[i]!)).flat();
      const refMs = runReference(reference.python, paths, 1, 1).cpuMsPerPhoto ?? 0;
      const ratio = refMs / kindCpuMs[kind]!;
      results[`cpuRatio${capitalised(kind)}`] = Number(ratio.toFixed(2));
      line(`  CPU/photo, ${kind} JPEG`, `reference ${refMs.toFixed(1)} ms, ours ${ratio.toFixed(2)}x less`);
    }
    line('ours --exact vs reference hashes', `at most ${maxBits} bits apart`);
    line(
      'ratio ours / reference',
      `${results.ratioAllCoresVsReferenceOneProcess}x (our ${cores} cores vs its one process), ` +
        `${results.ratioAllCoresVsReferenceAllCores}x (${cores} cores each), ` +
        `${results.ratioOneThreadVsReferenceOneProcess}x (one thread each)`,
    );
  } else {
    results.reference = `skipped: ${reference.skipped}`;
    line('reference (pdqhash)', `skipped: ${reference.skipped}`);
  }
}

/** The bench photos' indexes by JPEG kind. */
function capitalised(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

async function jpegKinds(): Promise<Record<string, number[]>> {
  const kinds: Record<string, number[]> = { baseline: [], progressive: [] };
  for (const [i, p] of photos.entries()) {
    kinds[(await sharp(p).metadata()).isProgressive ? 'progressive' : 'baseline']!.push(i);
  }
  return kinds;
}

// --- PDQ hash only (decoded pixels) -------------------------------------------------------------
{
  const full = [];
  const small = [];
  for (const p of photos) {
    full.push(await decodeImage(p));
    small.push(await decodeImage(p, undefined, { fill: { width: 64, height: 64, minSide: 128 } }));
  }
  for (const [label, key, set, rounds] of [
    ['PDQ hash only, full-size pixels (~1600x1004)', 'pdqHashOnlyFullSizeMs', full, quick ? 2 : 5],
    ['PDQ hash only, 64x64 pixels from libvips', 'pdqHashOnly64Ms', small, quick ? 50 : 200],
  ] as const) {
    for (const d of set.slice(0, 2)) pdqFromPixels(d.data, d.width, d.height, d.channels);
    const c0 = process.cpuUsage();
    for (let r = 0; r < rounds; r++)
      for (const d of set) pdqFromPixels(d.data, d.width, d.height, d.channels);
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000 / (rounds * set.length);
    results[key] = Number(ms.toFixed(3));
    line(label, `${ms.toFixed(3)} ms CPU/photo`);
  }
}

// --- vPDQ: a 720p video, ours against Meta's vpdq ------------------------------------------------
if (!args.has('--no-video')) {
  const seconds = quick ? 10 : 20;
  const dir = mkdtempSync(join(tmpdir(), 'bench-vpdq-'));
  const video = join(dir, 'testsrc2-720p.mp4');
  try {
    execFileSync('ffmpeg', [
      '-y',
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=1280x720:rate=30:duration=${seconds}`,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
  } catch (err) {
    results.vpdq = `skipped: ffmpeg is needed to make and decode the test video (${(err as Error).message.split('\n')[0]})`;
  }
  if (!results.vpdq) {
    const rounds = quick ? 1 : 3;
    const times: number[] = [];
    let ours: Awaited<ReturnType<typeof vpdqFromVideoFile>> = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      ours = await vpdqFromVideoFile(video);
      times.push((performance.now() - t0) / 1000);
    }
    const realTime = seconds / median(times);
    results.vpdqRealTime720p = Number(realTime.toFixed(1));
    line(
      `vPDQ of ${seconds} s of 720p30 H.264 (ffmpeg + PDQ)`,
      `${realTime.toFixed(1)}x real time, ${ours.length} frames`,
    );
    const base = args.has('--no-reference') ? { skipped: '--no-reference' } : referencePython();
    const vp = 'python' in base ? referenceVpdqPython(base.python) : base;
    if ('python' in vp) {
      const ref = runVpdqReference(vp.python, video, rounds);
      const refRealTime = seconds / median(ref.seconds);
      const byFrame = new Map(ref.frames.map((f) => [f.frameNumber, f.hash]));
      const distances = ours.map((f) => {
        const theirs = byFrame.get(f.frameNumber);
        return theirs ? pdqDistance(f.hash, theirs) : 256;
      });
      results.vpdqReferenceRealTime720p = Number(refRealTime.toFixed(1));
      results.vpdqRatio = Number((realTime / refRealTime).toFixed(2));
      results.vpdqFramesOurs = ours.length;
      results.vpdqFramesReference = ref.frames.length;
      results.vpdqFrameMaxBits = Math.max(...distances);
      results.vpdqFrameMedianBits = median(distances);
      line('vPDQ reference (PyPI vpdq)', `${refRealTime.toFixed(1)}x real time, ${ref.frames.length} frames`);
      line(
        'vPDQ ours vs reference, same frames',
        `median ${median(distances)} bits, at most ${Math.max(...distances)} bits apart; ratio ${results.vpdqRatio}x`,
      );
    } else {
      results.vpdqReference = `skipped: ${vp.skipped}`;
      line('vPDQ reference (PyPI vpdq)', `skipped: ${vp.skipped}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

// --- Index lookups -------------------------------------------------------------------------------
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
{
  const rand = rng(2024);
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const index = new PdqHashIndex();
  results.indexWasm = index.usesWasm ? 'yes' : 'no (JavaScript fallback)';
  const stored: Uint32Array[] = [];
  let n = 0;
  for (const size of sizes) {
    const t0 = performance.now();
    for (; n < size; n++) {
      const w = new Uint32Array(8);
      for (let i = 0; i < 8; i++) w[i] = rand();
      if (n % 100 === 0) stored.push(w);
      index.add(n, w);
    }
    const addMs = performance.now() - t0;
    // Queries: half are near-duplicates (8 flipped bits) of stored hashes, half are random misses.
    const queries: Uint32Array[] = [];
    for (let q = 0; q < 2000; q++) {
      const w = new Uint32Array(8);
      if (q % 2 === 0) {
        w.set(stored[rand() % stored.length]!);
        for (let k = 0; k < 8; k++) {
          const bit = rand() % 256;
          w[bit >> 5]! ^= 1 << (bit & 31);
        }
      } else for (let i = 0; i < 8; i++) w[i] = rand();
      queries.push(w);
    }
    index.compact(); // as BankMatcher.load leaves it; later adds go to the delta until the next rebuild
    let hits = 0;
    for (const q of queries.slice(0, 200)) index.search(q, 31); // warm-up
    const rounds = quick ? 2 : 5;
    // Per-query times give a median that a busy machine's descheduling barely moves; CPU time is the
    // process's own work, whatever else runs on the host.
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const q of queries) {
        const s0 = performance.now();
        hits += index.search(q, 31).length > 0 ? 1 : 0;
        times.push(performance.now() - s0);
      }
    }
    const micros = ((performance.now() - t1) * 1000) / times.length;
    const cpu = process.cpuUsage(cpu0);
    const cpuMicros = (cpu.user + cpu.system) / times.length;
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]! * 1000;
    const p99 = times[Math.floor(times.length * 0.99)]! * 1000;
    const key = size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`;
    results[`lookupMicros${key}`] = Number(micros.toFixed(2));
    results[`lookupMedianMicros${key}`] = Number(median.toFixed(2));
    results[`lookupP99Micros${key}`] = Number(p99.toFixed(2));
    results[`lookupCpuMicros${key}`] = Number(cpuMicros.toFixed(2));
    results[`indexBytesPerHash${key}`] = Math.round(index.memoryBytes / index.size);
    line(
      `index lookup d<=31 at ${key} hashes`,
      `mean ${micros.toFixed(1)} µs, median ${median.toFixed(1)} µs, p99 ${p99.toFixed(1)} µs, cpu ${cpuMicros.toFixed(1)} µs/query (hit rate ${(hits / times.length).toFixed(2)})`,
    );
    const addMicros = (addMs * 1000) / (size - (sizes[sizes.indexOf(size) - 1] ?? 0));
    // Deletes: 1% of the entries, then the same again added back (tombstones, then a rebuild when due).
    const victims = Array.from({ length: size / 100 }, (_, i) => i * 97);
    const d0 = performance.now();
    for (const id of victims) index.remove(id);
    const removeMicros = ((performance.now() - d0) * 1000) / victims.length;
    const r0 = performance.now();
    index.compact();
    const rebuildMs = performance.now() - r0;
    results[`indexAddMicros${key}`] = Number(addMicros.toFixed(2));
    results[`indexRemoveMicros${key}`] = Number(removeMicros.toFixed(2));
    results[`indexRebuildMs${key}`] = Math.round(rebuildMs);
    line(`  incremental adds up to ${key}`, `${addMicros.toFixed(2)} µs/add (rebuilds included)`);
    line(
      `  removals at ${key}`,
      `${removeMicros.toFixed(2)} µs/remove; full rebuild ${rebuildMs.toFixed(0)} ms`,
    );
    line(
      `  memory at ${key}`,
      `${results[`indexBytesPerHash${key}`]} B/hash in the index's typed arrays and WebAssembly memory (its id -> slot Map not counted)`,
    );
    for (const id of victims) {
      const w = new Uint32Array(8);
      for (let i = 0; i < 8; i++) w[i] = rand();
      index.add(id, w);
    }
  }
}

// --- OCR ---------------------------------------------------------------------------------------
if (!args.has('--no-ocr')) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240">
    <text x="30" y="90" font-family="DejaVu Sans" font-size="52" font-weight="bold">IVORY CARVING</text>
    <text x="30" y="180" font-family="DejaVu Sans" font-size="44">WeChat: tusk888</text></svg>`;
  const sign = await sharp({ create: { width: 640, height: 240, channels: 3, background: '#f4efe4' } })
    .composite([{ input: Buffer.from(svg) }])
    .jpeg()
    .toBuffer();
  const t0 = performance.now();
  const ocr = await createPaddleOcr();
  const loadMs = performance.now() - t0;
  await ocr.recognise(sign); // warm-up
  const rounds = quick ? 2 : 5;
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) await ocr.recognise(sign);
  const textMs = (performance.now() - t1) / rounds;
  const t2 = performance.now();
  for (let r = 0; r < rounds; r++) await ocr.recognise(photos[0]!);
  const photoMs = (performance.now() - t2) / rounds;
  results.ocrModelLoadMs = Math.round(loadMs);
  results.ocrMsPerTextImage = Math.round(textMs);
  results.ocrMsPerPhoto = Math.round(photoMs);
  line('OCR model load', `${loadMs.toFixed(0)} ms`);
  line('OCR per image (640x240, two text lines)', `${textMs.toFixed(0)} ms`);
  line('OCR per photo (1600x1004 -> 1280 max side)', `${photoMs.toFixed(0)} ms`);
}

console.log(JSON.stringify({ bench: 'image', ...results }));
