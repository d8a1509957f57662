// Curating mined candidate terms: a curator (any reviewer or lead) accepts a candidate with its kind, species
// and strength, which stores a keyword proposal, or dismisses it; a lead other than that curator approves the
// proposal, which publishes a new library version, reloads it here and tells the volunteers whose reports
// held the term; or rejects it. Every step is idempotent: Slack clicks reach it through the durable inbox.
import { z } from 'zod';
import { reloadIfNewer } from '../../detectors/text/library-reload.ts';
import { languageTag, TERM_KINDS } from '../../keywords/schema.ts';
import { appendAudit } from '../../shared/db/audit.ts';
import {
  decideProposal,
  getProposal,
  proposalForCandidate,
  proposeCandidateTerm,
  type StoredProposal,
} from '../../shared/db/keyword-proposals.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { decideCandidate, getCandidate, type TermCandidate } from '../../shared/db/term-candidates.ts';
import { log } from '../../shared/logger.ts';
import type { RoleDirectory } from '../activities/case-activities.ts';
import { adoptProposal } from './adopt.ts';
import { type TermAdoptedDeliveries, tellVolunteersOfAdoption } from './adoption-notices.ts';
import { currentLibrary } from './current-library.ts';

export const acceptFormSchema = z.object({
  kind: z.enum(TERM_KINDS),
  species: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be a species key such as elephant')
    .max(100)
    .optional(),
  strength: z.enum(['strong', 'weak']),
  language: languageTag,
});
export type AcceptForm = z.infer<typeof acceptFormSchema>;

export interface CurationState {
  candidate: TermCandidate;
  proposal?: StoredProposal | undefined;
}

export type CurationResult = { ok: true; state: CurationState } | { ok: false; reason: string };

export interface CurationDeps {
  pool: Pool;
  roles: RoleDirectory;
  volunteerNotices: TermAdoptedDeliveries;
}

export interface CurationUseCases {
  state(candidateId: string): Promise<CurationState | undefined>;
  accept(i: {
    candidateId: string;
    user: string;
    requestId: string;
    form: AcceptForm;
  }): Promise<CurationResult>;
  dismiss(i: { candidateId: string; user: string }): Promise<CurationResult>;
  approve(i: { proposalId: string; user: string }): Promise<CurationResult>;
  reject(i: { proposalId: string; user: string }): Promise<CurationResult>;
}

/** Tells the volunteers whose reports held an adopted mined term (once each; safe to call again). */
export async function tellAdoption(
  pool: Pool,
  deliveries: TermAdoptedDeliveries,
  proposal: StoredProposal,
): Promise<number> {
  const candidate = proposal.candidateId && (await getCandidate(pool, proposal.candidateId));
  if (!candidate) return 0;
  return tellVolunteersOfAdoption(pool, deliveries, {
    proposalId: proposal.id,
    term: proposal.term,
    reportIds: candidate.reportIds,
  });
}

export function createCurationUseCases(deps: CurationDeps): CurationUseCases {
  const { pool } = deps;
  const state = async (candidateId: string): Promise<CurationState | undefined> => {
    const candidate = await getCandidate(pool, candidateId);
    return candidate && { candidate, proposal: await proposalForCandidate(pool, candidate.id) };
  };
  const isCurator = async (user: string) => {
    const r = await deps.roles.resolve();
    return r.reviewers.includes(user) || r.leads.includes(user);
  };
  const isLead = async (user: string) => (await deps.roles.resolve()).leads.includes(user);
  const found = async (candidateId: string): Promise<CurationResult> => {
    const s = await state(candidateId);
    return s ? { ok: true, state: s } : { ok: false, reason: `no candidate term ${candidateId}` };
  };
  const proposalState = async (p: StoredProposal | undefined, id: string): Promise<CurationResult> => {
    if (!p?.candidateId) return { ok: false, reason: `no keyword proposal ${id} from a candidate term` };
    return found(p.candidateId);
  };

  return {
    state,
    async accept({ candidateId, user, requestId, form }) {
      if (!(await isCurator(user))) return { ok: false, reason: 'only reviewers and leads curate terms' };
      const candidate = await getCandidate(pool, candidateId);
      if (!candidate) return { ok: false, reason: `no candidate term ${candidateId}` };
      if (candidate.status === 'dismissed') return { ok: false, reason: 'this candidate was dismissed' };
      if (form.species !== undefined) {
        const library = await currentLibrary(pool);
        if (!library.species.some((s) => s.key === form.species))
          return { ok: false, reason: `unknown species "${form.species}"` };
      }
      await inTransaction(pool, async (tx) => {
        await decideCandidate(tx, candidate.id, 'accepted', user);
        await proposeCandidateTerm(tx, {
          candidateId: candidate.id,
          term: candidate.term,
          language: form.language,
          kind: form.kind,
          species: form.species,
          strength: form.strength,
          proposedBy: user,
          requestId,
          slackChannel: candidate.slackChannel ?? undefined,
          slackTs: candidate.slackTs ?? undefined,
        });
      });
      return found(candidate.id);
    },
    async dismiss({ candidateId, user }) {
      if (!(await isCurator(user))) return { ok: false, reason: 'only reviewers and leads curate terms' };
      const candidate = await getCandidate(pool, candidateId);
      if (!candidate) return { ok: false, reason: `no candidate term ${candidateId}` };
      if (candidate.status === 'accepted')
        return { ok: false, reason: 'this candidate was already accepted' };
      await inTransaction(pool, async (tx) => {
        if (await decideCandidate(tx, candidate.id, 'dismissed', user)) {
          await appendAudit(tx, {
            actor: `slack:${user}`,
            action: 'term_candidate.dismissed',
            subjectType: 'term_candidate',
            subjectId: candidate.id,
            details: { term: candidate.term, language: candidate.language },
          });
        }
      });
      return found(candidate.id);
    },
    async approve({ proposalId, user }) {
      if (!(await isLead(user))) return { ok: false, reason: 'only a lead approves a new library term' };
      const adopted = await adoptProposal(pool, proposalId, user);
      if (!adopted.ok) return adopted;
      // Live in this process now; every other process within its watch interval.
      await reloadIfNewer(pool).catch((error: unknown) =>
        log.warn('keyword library reload after an approval failed', { error }),
      );
      await tellAdoption(pool, deps.volunteerNotices, adopted.proposal);
      return proposalState(adopted.proposal, proposalId);
    },
    async reject({ proposalId, user }) {
      if (!(await isLead(user))) return { ok: false, reason: 'only a lead rejects a proposed library term' };
      const p = await getProposal(pool, proposalId);
      if (!p) return { ok: false, reason: `no keyword proposal ${proposalId}` };
      if (p.status === 'accepted')
        return { ok: false, reason: `already adopted in version ${p.libraryVersion}` };
      await decideProposal(pool, p.id, { status: 'rejected', by: user });
      return proposalState(await getProposal(pool, p.id), proposalId);
    },
  };
}
