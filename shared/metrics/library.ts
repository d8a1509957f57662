// Keyword-library growth (published versions) and the terms that catch the most listings.
import type { Queryable } from '../db/pool.ts';
import { filterParams, type MetricsFilters } from './filters.ts';
import { factSpecies } from './listings.ts';

export interface LibraryGrowth {
  versions: { version: string; publishedAt: string; entryCount: number }[];
  entriesAtStart: number;
  entriesAtEnd: number;
  added: number;
}

export interface TermHits {
  term: string;
  kind: string;
  species: string | null;
  listings: number;
}

export async function libraryGrowth(db: Queryable, f: MetricsFilters): Promise<LibraryGrowth> {
  const { rows } = await db.query(
    `SELECT version, published_at, entry_count FROM keyword_library_versions
     WHERE published_at < $1 ORDER BY published_at`,
    [f.to],
  );
  const before = rows.filter((r) => (r.published_at as Date) < f.from);
  const inPeriod = rows.filter((r) => (r.published_at as Date) >= f.from);
  const entriesAtStart = before.length ? Number(before[before.length - 1]!.entry_count) : 0;
  const entriesAtEnd = rows.length ? Number(rows[rows.length - 1]!.entry_count) : 0;
  return {
    versions: inPeriod.map((r) => ({
      version: String(r.version),
      publishedAt: (r.published_at as Date).toISOString(),
      entryCount: Number(r.entry_count),
    })),
    entriesAtStart,
    entriesAtEnd,
    added: entriesAtEnd - entriesAtStart,
  };
}

/**
 * Terms in the evidence of flagged listings received in the period, by the number of listings caught, per
 * term, kind and species (each case's terms are distinct in metrics_case_facts, so count(*) is exact).
 */
export async function topTerms(db: Queryable, f: MetricsFilters, limit = 20): Promise<TermHits[]> {
  const { rows } = await db.query(
    `SELECT t.term, t.kind, t.species, count(*) AS listings
     FROM metrics_case_facts f, jsonb_to_recordset(f.terms) AS t(term text, kind text, species text)
     WHERE f.received_at >= $1 AND f.received_at < $2 AND ($3::text IS NULL OR f.platform_id = $3) AND ${factSpecies}
     GROUP BY 1, 2, 3 ORDER BY listings DESC, term, kind, species NULLS FIRST LIMIT $5`,
    [...filterParams(f), limit],
  );
  return rows.map((r) => ({
    term: String(r.term),
    kind: String(r.kind),
    species: r.species === null ? null : String(r.species),
    listings: Number(r.listings),
  }));
}
