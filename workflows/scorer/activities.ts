// Retraining the learned scorer on reviewers' decisions (issue 18): train a candidate on the base corpus
// plus the labelled decisions, then let the gate compare it with what screens now on the held-out split
// and activate it only if recall and false-positive rate do not regress beyond the tolerance. Both steps
// are idempotent on the candidate's version, so a retried activity (or a crash between the two) neither
// trains twice nor activates twice.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getActiveLibrary } from '../../detectors/text/index.ts';
import {
  activateIfStill,
  activeScorerVersion,
  type Baseline,
  getScorerModel,
  getScorerModelRow,
  type HeldOutMetrics,
  heldOutMetrics,
  refuseScorerModel,
  saveScorerModel,
} from '../../detectors/text/model-store.ts';
import { HOLDOUT_PATH } from '../../detectors/text/quality.ts';
import {
  evaluateScorer,
  type LabelledRow,
  readEvaluationRows,
  readLabelledRows,
  trainScorer,
} from '../../detectors/text/train.ts';
import type { Pool } from '../../shared/db/pool.ts';
import { reviewLabels } from '../../shared/db/review-labels.ts';

export const BASE_CORPUS_DIR = fileURLToPath(new URL('../../keywords/training/', import.meta.url));

/** How far a candidate may fall behind what screens now and still be activated (README). */
export const GATE_TOLERANCE = { recall: 0.01, falsePositiveRate: 0.01 } as const;

export interface RetrainInput {
  version: string;
  /** The held-out split the gate judges on (JSON lines as test/fixtures/text/holdout.jsonl). */
  heldOutPath?: string;
  tolerance?: { recall: number; falsePositiveRate: number };
}

export interface CandidateSummary {
  version: string;
  trainedOn: { base: number; reviewed: number; scored: number };
  metrics: HeldOutMetrics;
}

export interface GateOutcome {
  version: string;
  activated: boolean;
  reasons: string[];
  metrics: HeldOutMetrics;
  baseline: Baseline;
}

export interface ScorerActivities {
  trainScorerCandidate(input: RetrainInput): Promise<CandidateSummary>;
  gateScorerCandidate(input: RetrainInput): Promise<GateOutcome>;
}

export const RETRAIN_ACTOR = 'scorer-retraining';

export function createScorerActivities(deps: { pool: Pool; baseCorpusDir?: string }): ScorerActivities {
  const { pool } = deps;
  const corpusDir = deps.baseCorpusDir ?? BASE_CORPUS_DIR;
  const heldOut = (input: RetrainInput) => input.heldOutPath ?? HOLDOUT_PATH;

  const measure = (model: Parameters<typeof evaluateScorer>[1], split: string): HeldOutMetrics =>
    heldOutMetrics(evaluateScorer(getActiveLibrary(), model, readEvaluationRows(split)), split);

  return {
    async trainScorerCandidate(input) {
      const split = heldOut(input);
      const stored = await getScorerModelRow(pool, input.version);
      if (stored?.metrics) {
        const model = await getScorerModel(pool, input.version);
        return { version: input.version, trainedOn: trainedOn(model), metrics: stored.metrics };
      }
      const base = readdirSync(corpusDir)
        .filter((f) => /^base-.*\.jsonl$/.test(f))
        .sort()
        .flatMap((f) => readLabelledRows(join(corpusDir, f)));
      const reviewed: LabelledRow[] = (await reviewLabels(pool)).map((r) => ({
        id: `case:${r.caseId}`,
        language: r.language && r.language.length >= 2 ? r.language.slice(0, 20) : 'und',
        label: r.label,
        title: r.title,
        description: r.description,
        source: `review:${r.reviewer} (${r.decision}${r.reasonCode ? `, ${r.reasonCode}` : ''}) of listing version ${r.listingVersion}`,
        hardNegative: false,
      }));
      const model = trainScorer([...base, ...reviewed], getActiveLibrary(), { version: input.version });
      const metrics = measure(model, split);
      await saveScorerModel(pool, {
        model,
        createdBy: RETRAIN_ACTOR,
        metrics,
        baseline: null,
        note: `trained on ${base.length} base rows and ${reviewed.length} reviewed decisions`,
      });
      return { version: input.version, trainedOn: trainedOn(model), metrics };
    },

    async gateScorerCandidate(input) {
      const split = heldOut(input);
      const tolerance = input.tolerance ?? GATE_TOLERANCE;
      const stored = await getScorerModelRow(pool, input.version);
      if (!stored?.metrics) throw new Error(`no trained candidate ${input.version}`);
      if (stored.status !== 'candidate' && stored.baseline) {
        // Decided before (this is a retry): report the stored outcome.
        return {
          version: input.version,
          activated: stored.status === 'activated',
          reasons: stored.note ? [stored.note] : [],
          metrics: stored.metrics,
          baseline: stored.baseline,
        };
      }
      const active = (await activeScorerVersion(pool))?.version ?? null;
      const baseline: Baseline = {
        version: active,
        metrics: measure(active === null ? null : await getScorerModel(pool, active), split),
      };
      const m = stored.metrics;
      const reasons: string[] = [];
      if (m.recall < baseline.metrics.recall - tolerance.recall)
        reasons.push(`recall ${pct(m.recall)} < ${pct(baseline.metrics.recall)} − ${pct(tolerance.recall)}`);
      if (m.falsePositiveRate > baseline.metrics.falsePositiveRate + tolerance.falsePositiveRate)
        reasons.push(
          `FPR ${pct(m.falsePositiveRate)} > ${pct(baseline.metrics.falsePositiveRate)} + ${pct(tolerance.falsePositiveRate)}`,
        );
      await pool.query('UPDATE scorer_models SET baseline = $2 WHERE version = $1', [
        input.version,
        JSON.stringify(baseline),
      ]);
      const against = baseline.version ?? 'the rules alone';
      if (reasons.length > 0) {
        const note = `refused by the gate against ${against}: ${reasons.join('; ')}`;
        await refuseScorerModel(pool, input.version, note);
        return { version: input.version, activated: false, reasons: [note], metrics: m, baseline };
      }
      const note = `passed the gate against ${against}: recall ${pct(m.recall)}, FPR ${pct(m.falsePositiveRate)}`;
      const activated = await activateIfStill(pool, active, input.version, RETRAIN_ACTOR, note);
      if (!activated) {
        const changed = 'refused: the active model changed while the gate compared';
        await refuseScorerModel(pool, input.version, changed);
        return { version: input.version, activated: false, reasons: [changed], metrics: m, baseline };
      }
      await pool.query('UPDATE scorer_models SET note = $2 WHERE version = $1', [input.version, note]);
      return { version: input.version, activated: true, reasons: [note], metrics: m, baseline };
    },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function trainedOn(model: { training: { rows: number; scored: number; sources: Record<string, number> } }) {
  const reviewed = model.training.sources.review ?? 0;
  return { base: model.training.rows - reviewed, reviewed, scored: model.training.scored };
}
