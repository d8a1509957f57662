// The progress report's "library growth": the entries each version published in the period added, where
// they came from (a curator, mining of review outcomes, or another deployment's shared library or candidate) and their
// precision so far (term performance over the period).
import { compileLibrary } from '../../detectors/text/compile.ts';
import { diffLibraries } from '../../keywords/exchange.ts';
import { loadLibraryFromDir } from '../../keywords/load.ts';
import { type Entry, entryId, type Library } from '../../keywords/schema.ts';
import { getVersion, listVersions } from '../../keywords/versions.ts';
import type { Queryable } from '../../shared/db/pool.ts';
import type { Section } from '../../shared/metrics/report.ts';
import { acrossPlatforms, type TermPerformanceFilters, termPerformance } from './performance.ts';

export type TermOrigin = 'curator' | 'mined' | 'shared';

export interface AddedTerm {
  term: string;
  language: string;
  kind: string;
  status: string;
  version: string;
  origin: TermOrigin;
  confirmed: number;
  rejected: number;
  precision: number | null;
}

export interface LibraryGrowthDetail {
  versions: number;
  added: AddedTerm[];
  byOrigin: Record<TermOrigin, number>;
}

export async function libraryGrowthDetail(
  db: Queryable,
  f: TermPerformanceFilters,
): Promise<LibraryGrowthDetail> {
  const all = await listVersions(db);
  const inPeriod = all.filter((v) => v.publishedAt >= f.from && v.publishedAt < f.to);
  const { rows: proposals } = await db.query<{
    term: string;
    language: string | null;
    source: string;
    library_version: string;
    candidate_origin: string | null;
  }>(
    // A candidate another deployment shared ("shared by <origin>") and a curator here accepted counts as shared.
    `SELECT p.term, p.language, p.source, p.library_version, c.origin AS candidate_origin
     FROM keyword_proposals p LEFT JOIN term_candidates c ON c.id = p.candidate_id
     WHERE p.status = 'accepted' AND p.library_version IS NOT NULL`,
  );
  const added: AddedTerm[] = [];
  for (const v of inPeriod) {
    const index = all.indexOf(v);
    // The first version ever published grows from the bundled files it was made from.
    const before: Library = index > 0 ? await getVersion(db, all[index - 1]!.version) : loadLibraryFromDir();
    const after = await getVersion(db, v.version);
    for (const e of diffLibraries(before, after).added) {
      const proposal = proposals.find(
        (p) =>
          p.library_version === v.version &&
          p.term.toLowerCase() === e.term.toLowerCase() &&
          (p.language ?? e.language) === e.language,
      );
      const origin: TermOrigin = proposal
        ? proposal.candidate_origin
          ? 'shared'
          : proposal.source === 'mined'
            ? 'mined'
            : 'curator'
        : e.note?.includes('imported from')
          ? 'shared'
          : 'curator';
      added.push({
        term: e.term,
        language: e.language,
        kind: e.kind,
        status: e.status,
        version: v.version,
        origin,
        confirmed: 0,
        rejected: 0,
        precision: null,
      });
    }
  }
  if (added.length > 0) {
    const latest = all.at(-1);
    const library = latest ? await getVersion(db, latest.version) : loadLibraryFromDir();
    const perf = new Map(
      acrossPlatforms(await termPerformance(db, f, compileLibrary(library))).map((r) => [r.entry, r]),
    );
    for (const a of added) {
      const p = perf.get(entryId({ language: a.language, kind: a.kind as Entry['kind'], term: a.term }));
      if (p) Object.assign(a, { confirmed: p.confirmed, rejected: p.rejected, precision: p.precision });
    }
  }
  const byOrigin: Record<TermOrigin, number> = { curator: 0, mined: 0, shared: 0 };
  for (const a of added) byOrigin[a.origin]++;
  return { versions: inPeriod.length, added, byOrigin };
}

const pct = (p: number | null) => (p === null ? '–' : `${(p * 100).toFixed(1)}%`);

export function libraryGrowthSection(g: LibraryGrowthDetail): Section {
  return {
    title: 'Library growth',
    paragraphs: [
      `${g.added.length} terms added in ${g.versions} versions: ${g.byOrigin.curator} by curators, ${g.byOrigin.mined} mined from review outcomes, ${g.byOrigin.shared} shared by other deployments.`,
    ],
    table: {
      columns: [
        ...['Term', 'Language', 'Kind', 'Version', 'Origin'].map((head) => ({ head })),
        ...['Confirmed', 'Rejected', 'Precision'].map((head) => ({ head, numeric: true })),
      ],
      rows: g.added
        .slice(0, 50)
        .map((a) => [
          a.term,
          a.language,
          a.status === 'active' ? a.kind : `${a.kind} (${a.status})`,
          a.version,
          a.origin,
          String(a.confirmed),
          String(a.rejected),
          pct(a.precision),
        ]),
    },
    // Its numbers come from the keyword versions and term performance, not from the metrics queries.
    sources: [],
  };
}
