import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getActiveLibrary, screenText, setActiveLibrary } from '../../detectors/text/index.ts';
import { reloadIfNewer, watchLibrary } from '../../detectors/text/library-reload.ts';
import { loadLibraryFromDir } from '../../keywords/load.ts';
import type { Library } from '../../keywords/schema.ts';
import {
  getVersion,
  listVersions,
  nextVersion,
  publishVersion,
  VersionError,
} from '../../keywords/versions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
const files = loadLibraryFromDir();

beforeAll(async () => {
  db = await createTestDatabase();
  setActiveLibrary(files);
});
afterAll(async () => {
  await db.drop();
});

describe('published versions', () => {
  it('publishes, lists and reads back a version, with an audit entry', async () => {
    const v = await publishVersion(db.pool, files, 'lead@ngo.example', 'initial');
    expect(v.entryCount).toBe(files.entries.length);
    expect((await listVersions(db.pool)).map((x) => x.version)).toEqual([files.version]);
    const back = await getVersion(db.pool, files.version);
    expect(back.entries).toHaveLength(files.entries.length);
    const { rows } = await db.pool.query("SELECT actor FROM audit_log WHERE action = 'keywords.publish'");
    expect(rows).toEqual([{ actor: 'lead@ngo.example' }]);
  });

  it('refuses a version that is not newer and a version that does not exist', async () => {
    await expect(publishVersion(db.pool, files, 'lead', 'again')).rejects.toThrow(VersionError);
    await expect(getVersion(db.pool, '9.9.9')).rejects.toThrow(/no published version/);
    expect(nextVersion('1.0.9')).toBe('1.0.10');
  });

  it('hot-reloads a newer version into the running process', async () => {
    const code = 'wildcat whiskers deluxe';
    expect(screenText({ title: `${code} for sale` }).verdict).toBe('allow');
    const newer: Library = {
      ...files,
      version: nextVersion(files.version),
      entries: [
        ...files.entries,
        {
          term: code,
          language: 'en',
          kind: 'code',
          species: 'tiger',
          strength: 'strong',
          fpRisk: 'low',
          provenance: { addedBy: 'volunteer-42', needsNativeReview: false },
          addedIn: nextVersion(files.version),
          status: 'active',
        },
      ],
    };
    await publishVersion(db.pool, newer, 'lead', 'new code word');
    const reloaded = new Promise<string>((resolve) => {
      const stop = watchLibrary(db.pool, {
        intervalMs: 50,
        onReload: (lib) => {
          stop();
          resolve(lib.version);
        },
      });
    });
    expect(await reloaded).toBe(newer.version);
    expect(getActiveLibrary().version).toBe(newer.version);
    expect(screenText({ title: `${code} for sale` }).verdict).toBe('block');
    expect(await reloadIfNewer(db.pool)).toBeUndefined();
  });
});
