// Curation use cases on PostgreSQL: who may accept, dismiss, approve and reject; each step applied once however
// often it is retried or raced; the library version an approval publishes; and the volunteers told once each.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getVersion, latestVersion } from '../../../keywords/versions.ts';
import { insertCandidates } from '../../../shared/db/term-candidates.ts';
import type { TermAdoptedMessage } from '../../../workflows/terms/adoption-notices.ts';
import { type CurationUseCases, createCurationUseCases } from '../../../workflows/terms/curation.ts';
import { addPlatform } from '../../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
let uc: CurationUseCases;
const told: TermAdoptedMessage[] = [];
let failNext = 0;
const reportIds: string[] = [];
let n = 0;

async function candidate(term: string): Promise<string> {
  await insertCandidates(db.pool, `run-${term}`, [
    {
      language: 'en',
      term,
      normalized: term,
      form: 'ngram',
      score: 12,
      positives: 4,
      missed: 2,
      negatives: 0,
      positiveDocs: 4,
      negativeDocs: 20,
      examples: [],
      reportIds,
    },
  ]);
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM term_candidates WHERE term = $1', [
    term,
  ]);
  return rows[0]!.id;
}
const accept = (candidateId: string, user = 'U1', requestId = `r-${++n}`) =>
  uc.accept({
    candidateId,
    user,
    requestId,
    form: { kind: 'code', strength: 'strong', language: 'en', species: 'african-elephant' },
  });
const proposalOf = async (candidateId: string) =>
  (
    await db.pool.query<{ id: string }>('SELECT id FROM keyword_proposals WHERE candidate_id = $1', [
      candidateId,
    ])
  ).rows[0]!.id;

beforeAll(async () => {
  db = await createTestDatabase();
  await addPlatform(db.pool, 'shop');
  // Two reports by one Telegram volunteer, one by a Discord volunteer, one by a volunteer who was forgotten.
  const volunteer = async (channel: string, id: string, erased = false) =>
    (
      await db.pool.query<{ id: string }>(
        `INSERT INTO volunteers (channel, external_user_id, language, erased_at) VALUES ($1, $2, 'en', $3) RETURNING id`,
        [channel, id, erased ? new Date() : null],
      )
    ).rows[0]!.id;
  const vols = [
    await volunteer('telegram', 't1'),
    await volunteer('discord', 'd1'),
    await volunteer('telegram', 'gone', true),
  ];
  for (const v of [vols[0], vols[0], vols[1], vols[2]]) {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO reports (volunteer_id, listing_url, outcome) VALUES ($1, 'https://shop.example/1', 'confirmed') RETURNING id`,
      [v],
    );
    reportIds.push(rows[0]!.id);
  }
  const deliver = async (m: TermAdoptedMessage) => {
    if (failNext > 0) {
      failNext--;
      throw new Error('chat platform down');
    }
    told.push(m);
    return 'sent' as const;
  };
  uc = createCurationUseCases({
    pool: db.pool,
    roles: { resolve: async () => ({ reviewers: ['U1', 'U2'], leads: ['UL1', 'UL2'] }) },
    volunteerNotices: { telegram: deliver, discord: deliver },
  });
});
beforeEach(() => {
  told.length = 0;
});
afterAll(async () => {
  await db?.drop();
});

describe('accepting and dismissing', () => {
  it('only curators accept; a species must exist; accepting again keeps one proposal', async () => {
    const id = await candidate('frostfang');
    expect(await accept(id, 'U9')).toEqual({ ok: false, reason: 'only reviewers and leads curate terms' });
    const unknown = await uc.accept({
      candidateId: id,
      user: 'U1',
      requestId: 'x',
      form: { kind: 'code', strength: 'weak', language: 'en', species: 'dragon' },
    });
    expect(unknown).toEqual({ ok: false, reason: 'unknown species "dragon"' });
    const first = await accept(id, 'U1');
    const again = await accept(id, 'U2');
    expect(first.ok && first.state.proposal?.proposedBy).toBe('U1');
    expect(again.ok && again.state.proposal?.id).toBe(first.ok && first.state.proposal?.id);
    expect(
      (await db.pool.query('SELECT count(*)::int AS n FROM keyword_proposals WHERE candidate_id = $1', [id]))
        .rows[0].n,
    ).toBe(1);
    expect(await uc.dismiss({ candidateId: id, user: 'U2' })).toEqual({
      ok: false,
      reason: 'this candidate was already accepted',
    });
  });

  it('a dismissed candidate cannot be accepted', async () => {
    const id = await candidate('moonhorn');
    const dismissed = await uc.dismiss({ candidateId: id, user: 'U2' });
    expect(dismissed.ok && dismissed.state.candidate.status).toBe('dismissed');
    expect(await accept(id)).toEqual({ ok: false, reason: 'this candidate was dismissed' });
  });
});

describe('approving', () => {
  it('needs a lead other than the curator; two approvals at once publish one version', async () => {
    const id = await candidate('snowbone');
    await accept(id, 'UL2');
    const proposalId = await proposalOf(id);
    expect(await uc.approve({ proposalId, user: 'U2' })).toEqual({
      ok: false,
      reason: 'only a lead approves a new library term',
    });
    expect(await uc.approve({ proposalId, user: 'UL2' })).toMatchObject({ ok: false });
    const before = (await latestVersion(db.pool))?.version;
    const [a, b] = await Promise.all([
      uc.approve({ proposalId, user: 'UL1' }),
      uc.approve({ proposalId, user: 'UL1' }),
    ]);
    expect(a.ok && b.ok).toBe(true);
    const { rows } = await db.pool.query<{ version: string }>('SELECT version FROM keyword_library_versions');
    expect(rows).toHaveLength(before ? 2 : 1);
    const library = await getVersion(db.pool, rows.at(-1)!.version);
    expect(library.entries.filter((e) => e.term === 'snowbone')).toEqual([
      expect.objectContaining({
        kind: 'code',
        strength: 'strong',
        species: 'african-elephant',
        status: 'active',
      }),
    ]);
    // One message per volunteer with an address: the Telegram volunteer's two reports make one.
    expect(told.map((m) => m.volunteer.externalUserId).sort()).toEqual(['d1', 't1']);
    expect(told.every((m) => m.term === 'snowbone')).toBe(true);
    // A later retry of the same approval tells nobody again.
    expect((await uc.approve({ proposalId, user: 'UL1' })).ok).toBe(true);
    expect(told).toHaveLength(2);
  });

  it('a failed message is sent by the retry, once', async () => {
    const id = await candidate('icetusk');
    await accept(id);
    const proposalId = await proposalOf(id);
    failNext = 1;
    await expect(uc.approve({ proposalId, user: 'UL1' })).rejects.toThrow('chat platform down');
    const sentBefore = told.length;
    expect((await uc.approve({ proposalId, user: 'UL1' })).ok).toBe(true);
    expect(told.length - sentBefore).toBe(2);
    const { rows } = await db.pool.query(
      `SELECT count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent FROM term_adoption_notices n
       JOIN keyword_proposals p ON p.id = n.proposal_id WHERE p.candidate_id = $1`,
      [id],
    );
    expect(rows[0].unsent).toBe(0);
  });

  it('a rejected proposal is not adopted, and a term already active is refused', async () => {
    const id = await candidate('glassfin');
    await accept(id);
    const proposalId = await proposalOf(id);
    const rejected = await uc.reject({ proposalId, user: 'UL2' });
    expect(rejected.ok && rejected.state.proposal?.status).toBe('rejected');
    expect(await uc.approve({ proposalId, user: 'UL1' })).toEqual({
      ok: false,
      reason: `proposal ${proposalId} was rejected`,
    });

    const dup = await candidate('snowbone two');
    await db.pool.query(`UPDATE term_candidates SET term = 'snowbone' WHERE id = $1`, [dup]);
    await accept(dup);
    expect(await uc.approve({ proposalId: await proposalOf(dup), user: 'UL1' })).toEqual({
      ok: false,
      reason: '"snowbone" (en, code) is already in the library',
    });
  });
});
