// A lead's approval of a keyword proposal: the term joins the library as a new published version (checksum,
// audit row, see keywords/versions.ts), in one transaction with the proposal's decision, serialised so two
// approvals at once make two versions rather than a conflict. Running processes pick the version up with
// their library watch (detectors/text/library-reload.ts); the caller reloads its own at once.
import { type Entry, entryId, TERM_KINDS } from '../../keywords/schema.ts';
import { latestVersion, nextVersion, publishVersion } from '../../keywords/versions.ts';
import { decideProposal, getProposal, type StoredProposal } from '../../shared/db/keyword-proposals.ts';
import { inTransaction, type Pool } from '../../shared/db/pool.ts';
import { currentLibrary } from './current-library.ts';

const ADOPTION_LOCK = 74280018;

export type AdoptResult =
  | { ok: true; version: string; proposal: StoredProposal; alreadyAdopted: boolean }
  | { ok: false; reason: string };

/** The library entry a proposal becomes; mined terms say where they came from. */
export function proposalEntry(p: StoredProposal, version: string, approvedBy: string): Entry {
  const kind = (TERM_KINDS as readonly string[]).includes(p.kind ?? '') ? (p.kind as Entry['kind']) : 'code';
  return {
    term: p.term,
    language: p.language ?? 'und',
    kind,
    ...(p.species ? { species: p.species } : {}),
    strength: p.strength ?? 'weak',
    // A new term has no track record yet: term performance will show whether it earns "low".
    fpRisk: 'medium',
    provenance: { addedBy: `slack:${p.proposedBy}`, needsNativeReview: false },
    addedIn: version,
    status: 'active',
    note:
      p.source === 'mined'
        ? `mined from review outcomes (candidate ${p.candidateId}); approved by slack:${approvedBy}`
        : `proposed by slack:${p.proposedBy}; approved by slack:${approvedBy}`,
  };
}

export async function adoptProposal(pool: Pool, proposalId: string, lead: string): Promise<AdoptResult> {
  return inTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADOPTION_LOCK]);
    const p = await getProposal(tx, proposalId, { forUpdate: true });
    if (!p) return { ok: false, reason: `no keyword proposal ${proposalId}` };
    if (p.status === 'accepted')
      return { ok: true, version: p.libraryVersion ?? '', proposal: p, alreadyAdopted: true };
    if (p.status === 'rejected') return { ok: false, reason: `proposal ${proposalId} was rejected` };
    if (p.proposedBy === lead)
      return { ok: false, reason: 'a lead other than the curator who accepted the term must approve it' };
    const base = await currentLibrary(tx);
    const latest = await latestVersion(tx);
    // Newer than what every process screens with, the bundled files included before any publish.
    const version = nextVersion(latest?.version ?? base.version, base.version);
    const entry = proposalEntry(p, version, lead);
    if (entry.species !== undefined && !base.species.some((s) => s.key === entry.species))
      return { ok: false, reason: `unknown species "${entry.species}"` };
    const id = entryId(entry);
    const existing = base.entries.find((e) => entryId(e) === id);
    if (existing?.status === 'active')
      return {
        ok: false,
        reason: `"${p.term}" (${entry.language}, ${entry.kind}) is already in the library`,
      };
    const entries = existing
      ? base.entries.map((e) => (entryId(e) === id ? { ...entry, provenance: e.provenance } : e))
      : [...base.entries, entry];
    await publishVersion(
      tx,
      { ...base, version, entries },
      `slack:${lead}`,
      `+1 (${entry.language}): ${entry.kind} "${p.term}" from keyword proposal ${p.id} (${p.source})`,
    );
    await decideProposal(tx, p.id, { status: 'accepted', by: lead, libraryVersion: version });
    return {
      ok: true,
      version,
      proposal: { ...p, status: 'accepted', decidedBy: lead, libraryVersion: version },
      alreadyAdopted: false,
    };
  });
}
