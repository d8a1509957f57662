// npm run bench:api — the HTTP API under load, beside a bare Node http hello-world on the same machine.
// Starts the system itself (`wild-sentinel start` on a fresh DATA_DIR: the embedded PostgreSQL and the
// Temporal dev server, or DATABASE_URL / TEMPORAL_ADDRESS when set) and measures, in one run:
//   hello-world, GET /v1/search-alert, POST /v1/listings (benign; flagged = new cases/s with workflows),
//   bare workflow starts on the same Temporal server (the ceiling new cases run into),
//   POST /v1/listings:batch (1,000 listings, 2% flagged; and all benign), both benign loads again with the
//   platform keeping counts only of allowed listings, errors at 64 concurrent clients,
//   idle RSS of the system process, and its RSS once the first photo has loaded OCR.
// Each figure is the median of --runs runs (default 3) of --seconds seconds (default 5), started once the
// system is idle again (the cases a load opened run their workflows after it; that wait is in the JSON
// line). The load generator is this process: keep-alive agents over loopback, a fixed number of clients each
// sending its next request when the previous answer has arrived. It shares the machine's cores with the server, as wrk would.
// Prints a table, then one JSON line with every figure.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import sharp from 'sharp';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    keep: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const DURATION_MS = Number(values.seconds) * 1000;
const CONCURRENCY = Number(values.concurrency);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const line = (label: string, value: string) => console.log(`${label.padEnd(56)} ${value}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// --- load generator -----------------------------------------------------------------------------------

interface Request {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface LoadResult {
  requests: number;
  perSecond: number;
  errors: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** Bodies of successful answers, when asked for (to count what they report). */
  bodies: string[];
}

async function load(
  port: number,
  next: (seq: number) => Request,
  options: { concurrency: number; durationMs: number; keepBodies?: boolean },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const bodies: string[] = [];
  let seq = 0;
  let errors = 0;
  const one = (r: Request) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            if (options.keepBodies) chunks.push(c);
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status >= 400) errors++;
            else if (options.keepBodies) bodies.push(Buffer.concat(chunks).toString('utf8'));
            latencies.push(performance.now() - t0);
            resolve();
          });
          res.on('error', () => {
            errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        statuses.network = (statuses.network ?? 0) + 1;
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const elapsed = await closedLoop(options, () => one(next(seq++)));
  agent.destroy();
  return loadResult(latencies, elapsed, { errors, statuses, bodies });
}

/** `concurrency` clients, each starting its next call when the previous one ends, for `durationMs`; seconds taken. */
async function closedLoop(
  options: { concurrency: number; durationMs: number },
  call: () => Promise<void>,
): Promise<number> {
  const started = performance.now();
  const end = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end) await call();
    }),
  );
  return (performance.now() - started) / 1000;
}

function loadResult(
  latencies: number[],
  elapsedSeconds: number,
  rest: Pick<LoadResult, 'errors' | 'statuses' | 'bodies'>,
): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsedSeconds,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    ...rest,
  };
}

// --- processes ----------------------------------------------------------------------------------------

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

/** A process's descendants (the embedded PostgreSQL and the Temporal dev server, and theirs). */
function descendants(pid: number): number[] {
  const kids = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const out: number[] = [];
  const stack = kids(pid);
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...kids(p));
  }
  return out;
}

/** RSS of a process's descendants, in MB. */
function childrenRssMb(pid: number): number {
  let total = 0;
  for (const p of descendants(pid)) {
    try {
      total += rssMb(p);
    } catch {}
  }
  return total;
}

/** CPU seconds used so far by a process and its descendants. */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks / 100; // USER_HZ
}

/**
 * Waits until the system has worked off what the previous load left (the workflows of the cases it opened):
 * under 5% of a core over a second, or two minutes at most. Each load then measures its own route.
 */
/** Waits until the system owes no workflow start (/healthz counts them: committed, not yet in Temporal). */
async function untilNoOwedStarts(port: number): Promise<void> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (((await res.json()) as { owedWorkflowStarts?: number }).owedWorkflowStarts === 0) return;
    await sleep(100);
  }
}

async function untilQuiet(pid: number): Promise<number> {
  const t0 = performance.now();
  let before = treeCpuSeconds(pid);
  while (performance.now() - t0 < 120_000) {
    await sleep(1000);
    const now = treeCpuSeconds(pid);
    if (now - before < 0.05) break;
    before = now;
  }
  return Math.round((performance.now() - t0) / 1000);
}

const onnxMapped = (pid: number) => /onnxruntime/.test(readFileSync(`/proc/${pid}/maps`, 'utf8'));

function startHelloWorld(): Promise<{ port: number; proc: ChildProcess }> {
  const code = `const s=require('node:http').createServer((q,r)=>{r.writeHead(200,{'content-type':'text/plain'});r.end('hello world')});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) =>
    proc.stdout!.once('data', (d) => resolve({ port: Number(String(d).trim()), proc })),
  );
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startSystem(dataDir: string, port: number): Promise<ChildProcess> {
  // What `npm start` runs: the bundled CLI (scripts/start.mjs).
  const proc = spawn(process.execPath, ['scripts/start.mjs', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      IMAGE_FETCH_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`the system exited (${proc.exitCode})`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok && (process.env.DATABASE_URL || existsSync(join(dataDir, 'demo-platform-api-key'))))
        return proc;
    } catch {}
    await sleep(500);
  }
  throw new Error('the system did not become healthy within 5 minutes');
}

async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill(signal);
  const timeout = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timeout);
}

/** Workflow starts per second on `temporal` by `concurrency` callers, each starting its next when one returns. */
async function bareStarts(
  temporal: Client,
  prefix: string,
  options: { concurrency: number; durationMs: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  const elapsed = await closedLoop(options, async () => {
    const t0 = performance.now();
    try {
      await temporal.workflow.start('benchNoSuchWorkflow', {
        taskQueue: `${prefix}-unpolled`,
        workflowId: `${prefix}-${seq++}`,
        args: [{ caseId: prefix }],
        workflowExecutionTimeout: '1 minute',
      });
      latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  });
  return loadResult(latencies, elapsed, { errors, statuses: {}, bodies: [] });
}

// --- workload -----------------------------------------------------------------------------------------

const RUN = Date.now().toString(36);
const benign = (id: string) => ({
  externalId: id,
  title: `Garden chair, solid oak ${id}`,
  description: 'Barely used, pick up only. Matching table available.',
  price: 40,
  currency: 'USD',
  seller: { id: `seller-${id.length % 97}` },
});
const flagged = (id: string) => ({
  externalId: id,
  title: 'Antique carved ivory bangle',
  description: `Genuine ivory, old stock, lot ${id}. DM for price.`,
  price: 300,
  currency: 'USD',
});

async function main() {
  const load1 = os.loadavg();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'ws-bench-api-'));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as the postgres user when we are root
  const port = await freePort();
  const hello = await startHelloWorld();
  line('machine', `${os.cpus().length} cores, load average ${load1.map((l) => l.toFixed(2)).join(' ')}`);
  const t0 = performance.now();
  const system = await startSystem(dataDir, port);
  // Ctrl-C (or a kill) stops what this run started instead of leaving it running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.all([stopProcess(system), stopProcess(hello.proc)]).finally(() => {
        if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
        process.exit(130);
      });
    });
  }
  line(
    'system started (embedded defaults unless DATABASE_URL/TEMPORAL_ADDRESS)',
    `${Math.round(performance.now() - t0)} ms`,
  );
  const results: Record<string, unknown> = {};
  try {
    // A CLI command beside the running system (it joins the system's database).
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir },
      });
    // On embedded defaults the system seeds a demo platform; on an external database, register one.
    const platformId = process.env.DATABASE_URL ? `bench-${RUN}` : 'demo';
    const key = process.env.DATABASE_URL
      ? (await cli('platform', 'add', platformId, '--name', 'Bench')).stdout.trim().split('\n').at(-1)!
      : readFileSync(join(dataDir, 'demo-platform-api-key'), 'utf8').trim();
    const auth = { authorization: `Bearer ${key}` };
    const json = { ...auth, 'content-type': 'application/json' };

    // Idle: 30 s after start, once V8 has collected start-up garbage and shrunk its heap (at 5 s it
    // still holds 50-100 MB of it, a figure that says more about GC timing than about the system).
    await sleep(5_000);
    results.rssAt5sMb = rssMb(system.pid!);
    await sleep(25_000);
    results.idleRssMb = rssMb(system.pid!);
    results.idleChildrenRssMb = childrenRssMb(system.pid!);
    results.onnxLoadedAtIdle = onnxMapped(system.pid!);
    line(
      'idle RSS at 30 s: system process (npm start) / its servers',
      `${results.idleRssMb} MB / ${results.idleChildrenRssMb} MB (${results.rssAt5sMb} MB at 5 s)`,
    );

    // The first photo, before any load (its deep screening would queue behind the load's): OCR and the
    // ONNX runtime load now, in the worker of this same process.
    const png = await sharp({
      create: { width: 400, height: 120, channels: 3, background: '#ffffff' },
    })
      .composite([
        {
          input: Buffer.from(
            '<svg width="400" height="120"><text x="10" y="70" font-size="40" font-family="sans-serif">IVORY SALE</text></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    const images = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(png);
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    const imagePort = (images.address() as AddressInfo).port;
    await fetch(`http://127.0.0.1:${port}/v1/listings`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        ...benign(`img-${RUN}`),
        imageUrls: [`http://127.0.0.1:${imagePort}/photo.png`],
      }),
    });
    const deadline = Date.now() + 120_000;
    while (!onnxMapped(system.pid!) && Date.now() < deadline) await sleep(500);
    await sleep(3_000);
    results.ocrLoadedAfterFirstImage = onnxMapped(system.pid!);
    results.rssAfterFirstImageMb = rssMb(system.pid!);
    images.close();
    line('RSS after the first photo (OCR loaded), before any load', `${results.rssAfterFirstImageMb} MB`);

    const opts = { concurrency: CONCURRENCY, durationMs: DURATION_MS };
    // BENCH_ONLY=name,name measures only those (each skipped one counts as 0 and is left out of the line).
    const only = process.env.BENCH_ONLY?.split(',');
    const measure = async (
      name: string,
      run: (r: number) => Promise<LoadResult>,
      figure: (res: LoadResult) => number = (res) => res.perSecond,
      unit = 'req/s',
    ) => {
      if (only && !only.includes(name)) return 0;
      results[`${name}WaitedForQuietS`] = await untilQuiet(system.pid!);
      const figures: number[] = [];
      let errors = 0;
      const statuses: Record<string, number> = {};
      let p99 = 0;
      for (let r = 0; r < RUNS; r++) {
        const res = await run(r);
        figures.push(figure(res));
        errors += res.errors;
        p99 = Math.max(p99, res.p99Ms);
        for (const [s, n] of Object.entries(res.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
      }
      const m = Math.round(median(figures));
      results[name] = m;
      results[`${name}Errors`] = errors;
      line(
        name,
        `${m} ${unit} (runs ${figures.map(Math.round).join(', ')}; errors ${errors}; worst p99 ${p99.toFixed(1)} ms; ${JSON.stringify(statuses)})`,
      );
      return m;
    };

    const helloRate = await measure('helloWorld', () =>
      load(hello.port, () => ({ method: 'GET', path: '/' }), opts),
    );

    const queries = ['buy pangolin scales', 'garden chairs', 'tiger balm', 'rhino horn cup', 'oak table'];
    const alertRate = await measure('searchAlert', () =>
      load(
        port,
        (i) => ({
          method: 'GET',
          path: `/v1/search-alert?q=${encodeURIComponent(queries[i % 5]!)}&lang=en`,
          headers: auth,
        }),
        opts,
      ),
    );

    /** Run r of a load of single listings made by `make`, each with its own external id. */
    const singleLoad =
      (
        prefix: string,
        make: (id: string) => unknown,
        loadOpts: typeof opts & { keepBodies?: boolean } = opts,
      ) =>
      (r: number) =>
        load(
          port,
          (i) => ({
            method: 'POST',
            path: '/v1/listings',
            headers: json,
            body: JSON.stringify(make(`${prefix}-${RUN}-${r}-${i}`)),
          }),
          loadOpts,
        );
    const singleBenign = await measure('singleBenign', singleLoad('sb', benign));

    // The ceiling new cases run into: bare workflow starts on the same Temporal server, from this process,
    // of a type no worker polls (nothing but the start itself), at the same concurrency, on a quiet system.
    const temporalAddress =
      process.env.TEMPORAL_ADDRESS ??
      (JSON.parse(readFileSync(join(dataDir, 'temporal.owner.json'), 'utf8')) as { address: string }).address;
    const connection = await Connection.connect({ address: temporalAddress });
    const temporal = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    const startCeiling = await measure('bareWorkflowStarts', (r) =>
      bareStarts(temporal, `bench-${RUN}-${r}`, opts),
    );
    await connection.close();

    const flaggedCases = await measure(
      'singleFlaggedNewCases',
      singleLoad('sf', flagged, { ...opts, keepBodies: true }),
      (res) =>
        (res.bodies.filter((b) => b.includes('"caseId":"case-')).length / res.requests) * res.perSecond,
      'cases/s',
    );

    const batchBody = (prefix: string, flaggedEvery: number) =>
      Array.from({ length: 1000 }, (_, i) =>
        JSON.stringify(
          flaggedEvery && i % flaggedEvery === 0 ? flagged(`${prefix}-${i}`) : benign(`${prefix}-${i}`),
        ),
      ).join('\n');
    const ndjson = { ...auth, 'content-type': 'application/x-ndjson' };
    const batchOpts = { concurrency: 4, durationMs: DURATION_MS * 2, keepBodies: true };
    /** Listings per second a batch load stored, from the batches' own answers. */
    const storedPerSecond = (res: LoadResult) =>
      res.bodies.reduce((n, b) => n + (JSON.parse(b) as { stored: number }).stored, 0) /
      (res.requests / res.perSecond);
    /** Run r of a load of 1,000-listing batches, every `flaggedEvery`-th listing flagged (0: none). */
    const batchLoad = (prefix: string, flaggedEvery: number) => (r: number) =>
      load(
        port,
        (i) => ({
          method: 'POST',
          path: '/v1/listings:batch',
          headers: ndjson,
          body: batchBody(`${prefix}-${RUN}-${r}-${i}`, flaggedEvery),
        }),
        batchOpts,
      );
    // A batch is answered once its cases are committed; their workflows start after, from the outbox. So
    // each run also waits until /healthz owes no start, and counts the cases per second over both times.
    const startedPerSecond: number[] = [];
    const batchMixed = await measure(
      'batch2PctFlagged',
      async (r) => {
        const res = await batchLoad('bm', 50)(r);
        const t0 = performance.now();
        await untilNoOwedStarts(port);
        const cases = res.bodies.reduce((n, b) => n + (JSON.parse(b) as { flagged: number }).flagged, 0);
        const loadSeconds = res.requests / res.perSecond;
        startedPerSecond.push(cases / (loadSeconds + (performance.now() - t0) / 1000));
        return res;
      },
      storedPerSecond,
      'listings/s',
    );
    results.batchNewCases = Math.round((batchMixed * 2) / 100);
    if (startedPerSecond.length) {
      results.batchCaseWorkflowsStartedPerSecond = Math.round(median(startedPerSecond));
      line('  their case workflows, started', `${results.batchCaseWorkflowsStartedPerSecond} cases/s`);
    }
    const batchBenign = await measure('batchBenign', batchLoad('bb', 0), storedPerSecond, 'listings/s');

    // The same benign loads with the platform keeping counts only of allowed listings (migration 0930).
    const setStorage = (mode: 'full' | 'counters') =>
      cli('platform', 'storage', platformId, '--benign', mode);
    await setStorage('counters');
    await sleep(500); // the system's key cache hears the change over LISTEN/NOTIFY
    await measure('singleBenignCounted', singleLoad('sc', benign));
    await measure('batchBenignCounted', batchLoad('bc', 0), storedPerSecond, 'listings/s');
    await setStorage('full');
    await sleep(500);

    const at64 = await measure(
      'singleBenignAt64Clients',
      singleLoad('c64', benign, { ...opts, concurrency: 64 }),
    );
    results.rssAfterLoadMb = rssMb(system.pid!);
    line('RSS after the load', `${results.rssAfterLoadMb} MB`);
    Object.assign(results, {
      searchAlertVsHello: helloRate ? Number((alertRate / helloRate).toFixed(3)) : null,
      singleBenignVsHello: helloRate ? Number((singleBenign / helloRate).toFixed(3)) : null,
      flaggedNewCasesPerSecond: flaggedCases,
      flaggedCasesVsBareStarts: startCeiling ? Number((flaggedCases / startCeiling).toFixed(3)) : null,
      batchListingsPerSecond: batchMixed,
      batchBenignListingsPerSecond: batchBenign,
      errorsAt64Clients: results.singleBenignAt64ClientsErrors,
      singleBenignAt64: at64,
    });
  } finally {
    await stopProcess(system);
    await stopProcess(hello.proc);
    if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
  }
  results.loadAverageBefore = load1.map((l) => Number(l.toFixed(2)));
  results.loadAverageAfter = os.loadavg().map((l) => Number(l.toFixed(2)));
  results.cores = os.cpus().length;
  results.database = process.env.DATABASE_URL ? 'external' : 'embedded';
  results.runs = RUNS;
  results.seconds = DURATION_MS / 1000;
  results.concurrency = CONCURRENCY;
  console.log(JSON.stringify({ bench: 'api', ...results }));
}

await main();
