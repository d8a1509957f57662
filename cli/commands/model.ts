// wild-sentinel model <command>: the learned scorer behind the keyword automaton. Train it on labelled
// listings, evaluate it on a held-out split, and manage the versions stored in the database.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getActiveLibrary, setActiveLibrary } from '../../detectors/text/index.ts';
import {
  activateScorerModel,
  heldOutMetrics,
  listScorerModels,
  revertScorerModel,
  ScorerStoreError,
  saveScorerModel,
} from '../../detectors/text/model-store.ts';
import { formatReport, HOLDOUT_PATH } from '../../detectors/text/quality.ts';
import {
  defaultModel,
  readScorerModel,
  type ScorerModel,
  ScorerModelError,
} from '../../detectors/text/scorer-model.ts';
import {
  evaluateScorer,
  readEvaluationRows,
  readLabelledRows,
  TrainingDataError,
  trainScorer,
} from '../../detectors/text/train.ts';
import { loadLibraryFromDir } from '../../keywords/load.ts';
import { loadConfig } from '../../shared/config.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel model <command>
  train <labelled.jsonl>… [--out FILE] [--version NAME]
                               trains the scorer on labelled rows (JSON lines: id, language, label
                               illicit|legit, title, description, source) and writes the model JSON
  evaluate [split.jsonl] [--model FILE]
                               recall, false-positive rate and precision per language on a held-out split
                               (default: test/fixtures/text/holdout.jsonl), rules alone against the model
                               (default: the shipped model, keywords/training/default-model.json)
  versions                     the models stored in the database, with their metrics and which is active
  activate <version> --by NAME activates a stored model in every running process; "default" stores
                               and activates the shipped model, "none" goes back to the rules alone
  revert --by NAME             activates the model that was active before the current one
Uses DATABASE_URL, or the embedded database under DATA_DIR, for versions, activate and revert.
Examples:
  wild-sentinel model train keywords/training/*.jsonl --out my-model.json
  wild-sentinel model evaluate --model my-model.json
  wild-sentinel model activate auto-2026-12-14 --by alice`;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function modelFrom(path: string | undefined): ScorerModel {
  if (path) return readScorerModel(path);
  const shipped = defaultModel();
  if (!shipped)
    throw new ScorerModelError('no shipped model (keywords/training/default-model.json): pass --model');
  return shipped;
}

export async function run(args: string[]): Promise<number | undefined> {
  const [command, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      version: { type: 'string' },
      model: { type: 'string' },
      by: { type: 'string' },
    },
  });
  try {
    switch (command) {
      case 'train': {
        if (positionals.length === 0)
          throw new TrainingDataError('train needs at least one labelled .jsonl file');
        const rows = positionals.flatMap((p) => readLabelledRows(p));
        const library = setActiveLibrary(loadLibraryFromDir());
        const model = trainScorer(rows, library, {
          version: values.version ?? `trained-${new Date().toISOString().slice(0, 10)}`,
        });
        const json = `${JSON.stringify(model, null, 2)}\n`;
        if (values.out) writeFileSync(values.out, json);
        else process.stdout.write(json);
        const m = model.trainingMetrics!;
        console.error(
          `trained ${model.version} on ${model.training.scored} of ${rows.length} rows (the rest hold no wildlife term); ` +
            `${Object.keys(model.weights).length} features; in-sample recall ${pct(m.recall)}, FPR ${pct(m.falsePositiveRate)}`,
        );
        return 0;
      }
      case 'evaluate': {
        const split = positionals[0] ?? HOLDOUT_PATH;
        const rows = readEvaluationRows(split);
        const library = getActiveLibrary();
        const model = modelFrom(values.model);
        const rules = evaluateScorer(library, null, rows);
        const learned = evaluateScorer(library, model, rows);
        console.log(`held-out split: ${split} (${rows.length} listings)\n`);
        console.log(`rules alone:\n${formatReport(rules)}\n`);
        console.log(`with scorer ${model.version}:\n${formatReport(learned)}`);
        for (const e of learned.errors)
          console.log(`  miss: ${e.id} (${e.label}, got ${e.verdict}) ${e.title}`);
        return 0;
      }
      case 'versions':
        return await withDatabase(loadConfig(), async (db) => {
          const models = await listScorerModels(db);
          if (models.length === 0) console.log('no stored models: the keyword rules alone decide');
          for (const m of models) {
            const h = m.metrics;
            console.log(
              [
                m.active ? `* ${m.version}` : `  ${m.version}`,
                m.status,
                m.createdAt.toISOString(),
                m.createdBy,
                h ? `recall ${pct(h.recall)} FPR ${pct(h.falsePositiveRate)} on ${h.listings}` : 'no metrics',
                m.note ?? '',
              ].join('\t'),
            );
          }
          return 0;
        });
      case 'activate': {
        const version = positionals[0];
        if (!version || !values.by) throw new ScorerStoreError('activate needs VERSION and --by NAME');
        return await withDatabase(loadConfig(), async (db) => {
          let target: string | null = version === 'none' ? null : version;
          if (version === 'default') {
            const shipped = modelFrom(undefined);
            const metrics = heldOutMetrics(
              evaluateScorer(getActiveLibrary(), shipped, readEvaluationRows(HOLDOUT_PATH)),
              HOLDOUT_PATH,
            );
            await saveScorerModel(db, { model: shipped, createdBy: values.by!, metrics, baseline: null });
            target = shipped.version;
          }
          await activateScorerModel(db, target, values.by!, 'activated by hand');
          console.log(`activated ${target ?? 'the rules alone'}; running processes switch within seconds`);
          return 0;
        });
      }
      case 'revert': {
        if (!values.by) throw new ScorerStoreError('revert needs --by NAME');
        return await withDatabase(loadConfig(), async (db) => {
          const to = await revertScorerModel(db, values.by!);
          console.log(`reverted to ${to ?? 'the keyword rules alone (no model)'}`);
          return 0;
        });
      }
      default:
        console.error(USAGE);
        return command === undefined || command === '--help' ? 0 : 2;
    }
  } catch (err) {
    if (
      err instanceof TrainingDataError ||
      err instanceof ScorerModelError ||
      err instanceof ScorerStoreError
    ) {
      console.error(`model ${command}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
