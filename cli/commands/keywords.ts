// wild-sentinel keywords <command>: the keyword library's versions, diff, export/import, publish, quality.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { screenText, setActiveLibrary } from '../../detectors/text/index.ts';
import { evaluate, formatReport, HOLDOUT_PATH, readDevSet } from '../../detectors/text/quality.ts';
import {
  diffLibraries,
  exportLibrary,
  ImportError,
  importLibrary,
  mergeProposed,
  summarizeDiff,
} from '../../keywords/exchange.ts';
import { LibraryFileError, loadLibraryFromDir } from '../../keywords/load.ts';
import type { Library } from '../../keywords/schema.ts';
import {
  getVersion,
  latestVersion,
  listVersions,
  nextVersion,
  publishVersion,
  VersionError,
} from '../../keywords/versions.ts';
import { loadConfig } from '../../shared/config.ts';
import { withDatabase } from '../database.ts';
import { runPerformance } from '../keywords-performance.ts';
import { decideFromCli, listProposals } from '../keywords-proposals.ts';

export const USAGE = `usage: wild-sentinel keywords <command>
  stats                                  entries per language and kind in the working files (keywords/library)
  quality [dev-set.jsonl]                precision, recall and false-positive rate per language
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

export async function run(args: string[]): Promise<number | undefined> {
  const [command, ...rest] = args;
  if (command === 'performance') return runPerformance(rest);
  try {
    // Their own options: read before the options the other subcommands share.
    if (command === 'approve' || command === 'reject') return await decideFromCli(command, rest);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { by: { type: 'string' }, changelog: { type: 'string' }, out: { type: 'string' } },
    });
    switch (command) {
      case 'proposals':
        return await listProposals();
      case 'stats':
        console.log(stats(loadLibraryFromDir()));
        return 0;
      case 'quality': {
        setActiveLibrary(loadLibraryFromDir());
        const report = evaluate(readDevSet(positionals[0]), (row) =>
          screenText({ title: row.title, description: row.description }),
        );
        console.log(formatReport(report));
        for (const e of report.errors)
          console.log(`  miss: ${e.id} (${e.label}, got ${e.verdict}) ${e.title}`);
        if (positionals[0] === undefined) {
          // Hard cases written after the engine was tuned and never tuned on: an honest floor.
          const holdout = evaluate(readDevSet(HOLDOUT_PATH), (row) =>
            screenText({ title: row.title, description: row.description }),
          );
          console.log(
            `\nheld-out hard cases (${HOLDOUT_PATH}), not used for tuning:\n${formatReport(holdout)}`,
          );
          for (const e of holdout.errors)
            console.log(`  miss: ${e.id} (${e.label}, got ${e.verdict}) ${e.title}`);
        }
        return 0;
      }
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
          const latest = await latestVersion(db);
          const base = latest ? await getVersion(db, latest.version) : loadLibraryFromDir();
          const version = nextVersion(latest?.version, base.version);
          const { library, added } = mergeProposed(
            base,
            incoming,
            `${file} (version ${incoming.version})`,
            version,
          );
          const v = await publishVersion(
            db,
            library,
            values.by!,
            `import of ${incoming.version}: ${added} proposed entries`,
          );
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
