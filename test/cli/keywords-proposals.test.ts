// A lead's side of proposed terms from the command line: a reviewer's code word (from the note modal) is listed,
// completed with its kind and strength, and adopted into a new library version by someone else; refusals exit 1.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/commands/keywords.ts';
import { getVersion, latestVersion } from '../../keywords/versions.ts';
import { getProposal } from '../../shared/db/keyword-proposals.ts';
import { proposeKeyword } from '../../shared/db/review.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let id: string;

beforeAll(async () => {
  db = await createTestDatabase();
  vi.stubEnv('DATABASE_URL', db.url);
  await proposeKeyword(db.pool, {
    term: 'gading putih',
    language: 'id',
    proposedBy: 'U1',
    source: 'slack',
    requestId: 'slack:view:V1:U1',
  });
  id = (await db.pool.query<{ id: string }>('SELECT id FROM keyword_proposals')).rows[0]!.id;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await db?.drop();
});

async function cli(args: string[]) {
  const out = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await run(args);
    return {
      code,
      out: out.mock.calls.map((c) => String(c[0])).join('\n'),
      err: err.mock.calls.map((c) => String(c[0])).join('\n'),
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('wild-sentinel keywords proposals | approve | reject', () => {
  it('lists the pending code word', async () => {
    const { code, out } = await cli(['proposals']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${id}\\t\\S+\\tslack\\tU1\\tid\\t\\?\\t\\?\\t\\tgading putih$`));
  });

  it('refuses a bad kind, an unknown species and the proposer approving their own term', async () => {
    expect((await cli(['approve', id, '--by', 'UL1', '--kind', 'spell'])).code).toBe(1);
    const species = await cli(['approve', id, '--by', 'UL1', '--species', 'dragon']);
    expect(species).toMatchObject({ code: 1, err: expect.stringContaining('unknown species "dragon"') });
    const own = await cli(['approve', id, '--by', 'U1', '--species', 'asian-elephant']);
    expect(own.err).toContain('a lead other than the curator');
    expect(await latestVersion(db.pool)).toBeUndefined();
  });

  it('adopts it into a new version with the kind and strength the lead gives', async () => {
    const { code, out } = await cli([
      'approve',
      id,
      '--by',
      'UL1',
      '--kind',
      'code',
      '--strength',
      'weak',
      '--species',
      'asian-elephant',
    ]);
    expect(code).toBe(0);
    expect(out).toContain('published 1.0.1 with "gading putih"');
    const library = await getVersion(db.pool, '1.0.1');
    expect(library.entries.find((e) => e.term === 'gading putih')).toMatchObject({
      language: 'id',
      kind: 'code',
      strength: 'weak',
      species: 'asian-elephant',
      status: 'active',
      provenance: { addedBy: 'slack:U1' },
    });
    expect(await getProposal(db.pool, id)).toMatchObject({
      status: 'accepted',
      decidedBy: 'UL1',
      libraryVersion: '1.0.1',
    });
    expect((await cli(['reject', id, '--by', 'UL2'])).code).toBe(1);
    expect((await cli(['proposals'])).out).toBe('');
  });
});
