// wild-sentinel keywords <command>: the keyword library's versions, diff, export/import, publish, quality.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { screenText, setActiveLibrary } from '../../detectors/text/index.ts';
import {
  type DevRow,
  evaluate,
  formatReport,
  formatTable,
  groupMetrics,
  HOLDOUT_PATH,
  metrics,
  REAL_STYLE_PATH,
  readDevSet,
  readRealStyleSet,
  screenRows,
} from '../../detectors/text/quality.ts';
import {
  BASELINE_PATH,
  baselineOf,
  compareToBaseline,
  holdoutChecksum,
  readBaseline,
  writeBaseline,
} from '../../detectors/text/quality-baseline.ts';
import {
  diffLibraries,
  exportLibrary,
  ImportError,
  importLibrary,
  summarizeDiff,
} from '../../keywords/exchange.ts';
import { LibraryFileError, loadLibraryFromDir } from '../../keywords/load.ts';
import type { Library } from '../../keywords/schema.ts';
import {
  getVersion,
  latestVersion,
  listVersions,
  proposeEntries,
  publishVersion,
  VersionError,
} from '../../keywords/versions.ts';
import { loadConfig } from '../../shared/config.ts';
import { withDatabase } from '../database.ts';
import { runPerformance } from '../keywords-performance.ts';
import { decideFromCli, listProposals } from '../keywords-proposals.ts';

export const USAGE = `usage: wild-sentinel keywords <command>
  stats                                  entries per language and kind in the working files (keywords/library)
  quality [FILE] [--split S]             precision, recall and FPR per language, species and obfuscation class;
                                         S: dev, holdout (checked against the stored baseline) or real-style
  quality --write-baseline               store the held-out split's figures as the baseline CI holds it to
  versions                               published versions
  publish --by NAME [--changelog TEXT]   publish the working files as the version in library.yaml
  diff FROM TO                           FROM/TO: a published version, "files", or an export .json
  export [VERSION|files] [--out FILE]    write the documented JSON export (keywords/FORMAT.md)
  import FILE --by NAME                  validate an export and publish its new entries as proposed
  proposals                              proposed terms waiting for a lead (code words, accepted candidates)
  approve ID --by NAME [--kind K --strength strong|weak --language L --species S]
                                         a lead adopts a proposal: publishes a new version with it
  reject ID --by NAME                    a lead turns a proposal down
  performance --from D --to D [--platform ID] [--format table|json]
                                         per entry: flagged, confirmed, rejected by reason, missed, precision
Uses DATABASE_URL, or the embedded database under DATA_DIR.
Examples:
  wild-sentinel keywords quality
  wild-sentinel keywords quality --split holdout
  wild-sentinel keywords publish --by alice --changelog 'Korean terms'
  wild-sentinel keywords export latest --out library.json`;

/** "files" = the working copy; a path ending in .json = an export; anything else = a published version. */
async function resolve(ref: string): Promise<Library> {
  if (ref === 'files') return loadLibraryFromDir();
  if (ref.endsWith('.json')) return importLibrary(JSON.parse(readFileSync(ref, 'utf8')));
  return withDatabase(loadConfig(), (db) => getVersion(db, ref));
}

function stats(library: Library): string {
  const table = new Map<string, Map<string, number>>();
  for (const e of library.entries) {
    const row = table.get(e.language) ?? new Map<string, number>();
    row.set(e.kind, (row.get(e.kind) ?? 0) + 1);
    table.set(e.language, row);
  }
  const kinds = ['species', 'product', 'code', 'hashtag', 'sale', 'legality', 'negative'];
  const lines = [
    `${'lang'.padEnd(8)}${kinds.map((k) => k.slice(0, 8).padStart(9)).join('')}${'total'.padStart(7)}`,
  ];
  for (const [lang, row] of [...table].sort()) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    lines.push(
      `${lang.padEnd(8)}${kinds.map((k) => String(row.get(k) ?? 0).padStart(9)).join('')}${String(total).padStart(7)}`,
    );
  }
  const sourced = library.entries.filter((e) => e.provenance.source).length;
  const review = library.entries.filter((e) => e.provenance.needsNativeReview).length;
  lines.push(
    `${library.entries.length} entries in ${table.size} languages, ${library.species.length} species; ` +
      `${sourced} with a source URL, ${review} marked for native-speaker review`,
  );
  return lines.join('\n');
}

const SPLITS = ['dev', 'holdout', 'real-style'] as const;

function printErrors(errors: { id: string; label: string; verdict: string; title: string }[]): void {
  for (const e of errors) console.log(`  miss: ${e.id} (${e.label}, got ${e.verdict}) ${e.title}`);
}

/** Screens each row with the working files' library. */
function screenRow(row: DevRow) {
  return screenText({ title: row.title, description: row.description });
}

/**
 * `keywords quality`: the dev set, the held-out split (checked against its baseline: exit 1 on a regression)
 * and the real-style set; or one of them (--split), or a given file in the dev-set format.
 */
function quality(file: string | undefined, split: string | undefined, write: boolean): number {
  if (split !== undefined && !(SPLITS as readonly string[]).includes(split))
    throw new VersionError(`--split must be one of ${SPLITS.join(', ')}`);
  const library = loadLibraryFromDir();
  setActiveLibrary(library);
  if (file !== undefined) {
    if (write) throw new VersionError('--write-baseline measures the held-out split; it takes no FILE');
    const report = evaluate(readDevSet(file), screenRow);
    console.log(formatReport(report));
    printErrors(report.errors);
    return 0;
  }
  const show = (s: (typeof SPLITS)[number]) => (write ? s === 'holdout' : split === undefined || split === s);
  let code = 0;
  if (show('dev')) {
    const report = evaluate(readDevSet(), screenRow);
    console.log(`development set (tuned on):\n${formatReport(report)}`);
    printErrors(report.errors);
  }
  if (show('holdout')) {
    const report = evaluate(readDevSet(HOLDOUT_PATH), screenRow);
    console.log(`\nheld-out split (${HOLDOUT_PATH}), never used for tuning:\n${formatReport(report)}`);
    printErrors(report.errors);
    const sha256 = holdoutChecksum();
    if (write) {
      writeBaseline(baselineOf(report, library.version, sha256));
      console.log(`\nwrote ${BASELINE_PATH}`);
    } else if (!existsSync(BASELINE_PATH)) {
      console.log(`no baseline yet (${BASELINE_PATH}): run with --write-baseline`);
      code = 1;
    } else {
      const { regressions, improvements } = compareToBaseline(report, readBaseline(), sha256);
      for (const r of regressions) console.log(`  REGRESSION ${r}`);
      for (const i of improvements) console.log(`  improved ${i}`);
      console.log(
        regressions.length > 0
          ? `baseline (${BASELINE_PATH}): ${regressions.length} regressions`
          : `baseline (${BASELINE_PATH}): no regression${improvements.length > 0 ? '; run --write-baseline to keep the gains' : ''}`,
      );
      if (regressions.length > 0) code = 1;
    }
  }
  if (show('real-style')) {
    const rows = readRealStyleSet();
    const scored = screenRows(rows, screenRow);
    console.log(
      `\nreal-style posts (${REAL_STYLE_PATH}), evaluation only (pos = sale posts):\n${formatTable(
        'style',
        groupMetrics(scored, (r) => r.style),
        metrics(scored),
      )}`,
    );
    printErrors(
      scored
        .filter((s) => s.flagged !== (s.label === 'illicit'))
        .map((s) => ({
          id: s.row.id,
          label: s.row.label === 'illicit' ? 'sale' : 'not-sale',
          verdict: s.verdict,
          title: s.row.title,
        })),
    );
  }
  return code;
}

export async function run(args: string[]): Promise<number | undefined> {
  const [command, ...rest] = args;
  if (command === 'performance') return runPerformance(rest);
  try {
    // Their own options: read before the options the other subcommands share.
    if (command === 'approve' || command === 'reject') return await decideFromCli(command, rest);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        by: { type: 'string' },
        changelog: { type: 'string' },
        out: { type: 'string' },
        split: { type: 'string' },
        'write-baseline': { type: 'boolean' },
      },
    });
    switch (command) {
      case 'proposals':
        return await listProposals();
      case 'stats':
        console.log(stats(loadLibraryFromDir()));
        return 0;
      case 'quality':
        return quality(positionals[0], values.split, values['write-baseline'] === true);
      case 'versions':
        return await withDatabase(loadConfig(), async (db) => {
          for (const v of await listVersions(db)) {
            console.log(
              `${v.version}\t${v.publishedAt.toISOString()}\t${v.publishedBy}\t${v.entryCount} entries\t${v.changelog}`,
            );
          }
          return 0;
        });
      case 'publish': {
        if (!values.by) throw new VersionError('publish needs --by NAME');
        const library = loadLibraryFromDir();
        return await withDatabase(loadConfig(), async (db) => {
          const latest = await latestVersion(db);
          const changelog =
            values.changelog ??
            (latest
              ? summarizeDiff(diffLibraries(await getVersion(db, latest.version), library))
              : 'initial version');
          const v = await publishVersion(db, library, values.by!, changelog);
          console.log(`published ${v.version}: ${v.entryCount} entries, ${v.changelog}`);
          return 0;
        });
      }
      case 'diff': {
        const [from, to] = positionals;
        if (!from || !to) throw new VersionError('diff needs FROM and TO');
        const diff = diffLibraries(await resolve(from), await resolve(to));
        console.log(`${diff.from} -> ${diff.to}: ${summarizeDiff(diff)}`);
        for (const e of diff.added) console.log(`+ [${e.language}] ${e.kind} ${e.term}`);
        for (const e of diff.removed) console.log(`- [${e.language}] ${e.kind} ${e.term}`);
        for (const c of diff.changed)
          console.log(`~ [${c.after.language}] ${c.after.term}: ${c.fields.join(', ')}`);
        return 0;
      }
      case 'export': {
        const library = await resolve(positionals[0] ?? 'files');
        const json = `${JSON.stringify(exportLibrary(library), null, 2)}\n`;
        if (values.out) writeFileSync(values.out, json);
        else process.stdout.write(json);
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file || !values.by) throw new VersionError('import needs FILE and --by NAME');
        const incoming = importLibrary(JSON.parse(readFileSync(file, 'utf8')));
        return await withDatabase(loadConfig(), async (db) => {
          const { version, added } = await proposeEntries(db, incoming, {
            source: `${file} (version ${incoming.version})`,
            by: values.by!,
          });
          const v = version!;
          console.log(`published ${v.version} with ${added} new proposed entries (a lead activates them)`);
          return 0;
        });
      }
      default:
        console.error(USAGE);
        return command === undefined || command === '--help' ? 0 : 2;
    }
  } catch (err) {
    if (
      err instanceof VersionError ||
      err instanceof ImportError ||
      err instanceof LibraryFileError ||
      err instanceof SyntaxError
    ) {
      console.error(`keywords ${command}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
