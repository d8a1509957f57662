// Activities of the weekly term mining: mine this run's candidates from stored outcomes (once per run key:
// a retry finds them stored), then post each to the curators' Slack channel once, with the candidates other
// deployments shared (accepted here with `share decide`) that are not on a card yet.
import { ApplicationFailure } from '@temporalio/common';
import { getActiveLibrary, matchText } from '../../detectors/text/index.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import {
  candidatesOfRun,
  insertCandidates,
  setCandidateMessage,
  storedCandidateKeys,
  type TermCandidate,
  unpostedSharedCandidates,
} from '../../shared/db/term-candidates.ts';
import { mineCandidates } from './mining.ts';
import { outcomeCorpus } from './outcome-corpus.ts';

export interface MiningRequest {
  runKey: string;
  /** Start of the outcomes read (ISO). */
  since: string;
  limit: number;
  minSupport: number;
  maxAllowed?: number;
}

export interface MiningRunSummary {
  runKey: string;
  candidates: string[];
}

/** Posts a candidate card; the bots decide what it looks like (bots/slack/term-candidates.ts). */
export interface TermCandidateNotifier {
  postCandidate(candidate: TermCandidate, channel: string): Promise<{ channel: string; ts: string }>;
}

export interface TermMiningActivities {
  mineTermCandidates(req: MiningRequest): Promise<MiningRunSummary>;
  postTermCandidates(req: { runKey: string; channel: string }): Promise<number>;
}

export function createTermMiningActivities(deps: {
  pool: Pool;
  notifier?: TermCandidateNotifier | undefined;
}): TermMiningActivities {
  return {
    async mineTermCandidates(req) {
      const stored = await candidatesOfRun(deps.pool, req.runKey);
      if (stored.length > 0) return { runKey: req.runKey, candidates: stored.map((c) => c.id) };
      const docs = await outcomeCorpus(deps.pool, {
        since: new Date(req.since),
        maxAllowed: req.maxAllowed ?? 20_000,
      });
      const known = await storedCandidateKeys(deps.pool);
      // The library as this process screens with it now (reloaded live): what it matches is no candidate.
      const library = getActiveLibrary();
      const mined = mineCandidates(docs, {
        minSupport: req.minSupport,
        limit: req.limit,
        isKnown: (term, language) =>
          known.has(`${language}\u0000${term.replace(/^#/, '')}`) ||
          matchText(library, term.replace(/^#/, ''), language).some((h) => h.entry.kind !== 'negative'),
      });
      await inTransaction(deps.pool, async (tx) => {
        // Two runs with one key (a retry racing a slow first try) store one set.
        await tx.query('SELECT pg_advisory_xact_lock(74280019, hashtext($1))', [req.runKey]);
        if ((await candidatesOfRun(tx, req.runKey)).length === 0)
          await insertCandidates(tx, req.runKey, mined);
      });
      return {
        runKey: req.runKey,
        candidates: (await candidatesOfRun(deps.pool, req.runKey)).map((c) => c.id),
      };
    },
    async postTermCandidates({ runKey, channel }) {
      const notifier = deps.notifier;
      if (!notifier)
        throw ApplicationFailure.nonRetryable('Slack is not configured: no curators to propose terms to');
      let posted = 0;
      const shared = await unpostedSharedCandidates(deps.pool);
      for (const c of [...(await candidatesOfRun(deps.pool, runKey)), ...shared]) {
        if (c.slackTs || c.status !== 'new') continue;
        const at = await notifier.postCandidate(c, channel);
        await setCandidateMessage(deps.pool, c.id, at.channel, at.ts);
        posted++;
      }
      return posted;
    },
  };
}
