// Filters by name as people type them, and names instead of ids in what they read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { librarySpeciesCatalogue } from '../../keywords/species-catalogue.ts';
import { metricsFiltersSchema } from '../../shared/metrics/filters.ts';
import { computeMetrics } from '../../shared/metrics/index.ts';
import { displayNames, resolveFilters, UnknownFilterError } from '../../shared/metrics/names.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addListing, hoursAfter } from './seed.ts';

const catalogue = librarySpeciesCatalogue();
const march = (extra: Record<string, string> = {}) =>
  metricsFiltersSchema.parse({ from: '2026-03-01', to: '2026-04-01', ...extra });

describe('the species catalogue', () => {
  it('names species by their common name', () => {
    expect(catalogue.label('african-elephant')).toBe('African elephant');
    expect(catalogue.label('pangolin')).toBe('Pangolin');
    expect(catalogue.label('crocodilians')).toBe('Crocodilians');
    expect(catalogue.label('not-in-the-table')).toBe('not-in-the-table');
  });

  it('finds the keys a key or a common name in any language and case stands for', () => {
    expect(catalogue.keysFor('Pangolin')).toEqual(['pangolin']);
    expect(catalogue.keysFor('AFRICAN ELEPHANT')).toEqual(['african-elephant']);
    expect(catalogue.keysFor('African-Elephant')).toEqual(['african-elephant']);
    expect(catalogue.keysFor('穿山甲')).toContain('pangolin');
    expect(catalogue.keysFor('unicorn')).toEqual([]);
  });
});

describe('resolveFilters', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(
      `INSERT INTO platforms (id, name, api_key_hash) VALUES ('shopa', 'Shop A', md5('a') || md5('a')),
         ('shopb', 'Shop B', md5('b') || md5('b')), ('shopc', 'shop b', md5('c') || md5('c'))`,
    );
    await addListing(db.pool, {
      platform: 'shopa',
      externalId: 'p1',
      title: 'pangolin scales',
      receivedAt: hoursAfter(1),
      verdict: 'review',
      evidence: [{ term: 'pangolin scales', kind: 'product', species: 'pangolin' }],
    });
    // An older deployment's key that the catalogue does not know.
    await addListing(db.pool, {
      platform: 'shopa',
      externalId: 'e1',
      title: 'ivory',
      receivedAt: hoursAfter(2),
      verdict: 'review',
      evidence: [{ term: 'ivory', kind: 'product', species: 'elephant' }],
    });
  });
  afterAll(() => db?.drop());

  const resolve = (extra: Record<string, string>) => resolveFilters(db.pool, march(extra), catalogue);

  it('turns a platform name or id, in any case, into its id', async () => {
    expect((await resolve({ platform: 'SHOP A' })).platform).toBe('shopa');
    expect((await resolve({ platform: 'ShopA' })).platform).toBe('shopa');
    expect((await resolve({ platform: ' shopb ' })).platform).toBe('shopb');
  });

  it('turns a species key, a stored value or a common name into the key the evidence carries', async () => {
    const f = await resolve({ species: 'Pangolin' });
    expect(f.species).toBe('pangolin');
    expect((await computeMetrics(db.pool, f)).totals.flagged).toBe(1);
    expect((await resolve({ species: 'scaly anteater' })).species).toBe('pangolin');
    // The stored key wins over the catalogue's name "elephant" (african-elephant).
    expect((await resolve({ species: 'Elephant' })).species).toBe('elephant');
  });

  it('refuses a value that names nothing, or more than one platform, saying what exists', async () => {
    await expect(resolve({ platform: 'Shop Z' })).rejects.toThrow(
      /^platform: no platform "Shop Z"; known: shopa \(Shop A\), shopb \(Shop B\), shopc \(shop b\)$/,
    );
    await expect(resolve({ platform: 'shop b' })).rejects.toThrow(
      /names 2 platforms: use one of the ids shopb, shopc/,
    );
    const err = await resolve({ species: 'unicorn' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownFilterError);
    expect((err as UnknownFilterError).field).toBe('species');
  });

  it('gives display names for platform ids and species keys', async () => {
    expect(await displayNames(db.pool, catalogue, ['pangolin', 'elephant'])).toEqual({
      platforms: { shopa: 'Shop A', shopb: 'Shop B', shopc: 'shop b' },
      species: { pangolin: 'Pangolin', elephant: 'elephant' },
      reasons: {},
    });
  });
});
