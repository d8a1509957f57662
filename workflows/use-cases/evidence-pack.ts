// "Produce an evidence pack": everything known about one case, for law enforcement or a platform's legal
// team: the listing exactly as received, image hashes and other evidence, every decision with its actor
// and time, takedowns, appeals and the case's audit trail with the chain check. As JSON and as a
// self-contained HTML page in which every stored value is HTML-escaped.
import { createHash } from 'node:crypto';
import { appendAudit, verifyAuditChain } from '../../shared/db/audit.ts';
import {
  type CaseView,
  PLATFORM_HIDDEN_AUDIT_ACTIONS,
  type PlatformCaseView,
  platformCaseView,
} from '../../shared/db/cases.ts';
import { listingVersions } from '../../shared/db/listings.ts';
import type { Pool } from '../../shared/db/pool.ts';
import type { Verdict } from '../../shared/listing.ts';
import { loadCaseView } from './case-view.ts';

/** One version of the listing exactly as the platform sent it, with a hash of that JSON. */
export interface VersionSnapshot {
  version: number;
  receivedAt: string;
  /** The version the case was flagged on: its decision basis. */
  flagged: boolean;
  /** The latest verdict on this version, when it was screened. */
  verdict: Verdict | null;
  snapshot: unknown;
  snapshotSha256: string;
}

export interface EvidencePack {
  /** 2: `listing` is the flagged version (was: the latest), and `versions` holds every version. */
  format: 'wild-sentinel-evidence-pack/2';
  generatedAt: string;
  generatedBy: string;
  /** "platform" packs leave out reviewers' internals: notes, claims and volunteer reports. */
  audience: 'internal' | 'platform';
  /** Notes, claim and volunteer reports only in internal packs. */
  case: Omit<PlatformCaseView, 'listing' | 'detection' | 'versions'> &
    Partial<Pick<CaseView, 'notes' | 'claimedBy' | 'reports' | 'answers' | 'photos'>>;
  /** The listing as flagged (the decision basis). */
  listing: CaseView['listing'] & {
    /** When the platform first sent this external id. */
    firstReceivedAt: string;
    /** When the flagged version arrived. */
    receivedAt: string;
    snapshot: unknown;
    snapshotSha256: string;
  };
  /** Every version, oldest first, flagged or not. */
  versions: VersionSnapshot[];
  imageHashes: { detector: string; hash: string | null; species: string | null; detail: string | null }[];
  audit: { seq: number; at: string; actor: string; action: string; details: unknown; hash: string }[];
  auditChain: { rows: number; intact: boolean };
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

export async function buildEvidencePack(
  pool: Pool,
  caseId: string,
  generatedBy: string,
  options: { audience?: 'internal' | 'platform' } = {},
): Promise<EvidencePack | undefined> {
  const audience = options.audience ?? 'internal';
  const view = await loadCaseView(pool, caseId);
  if (!view) return undefined;
  const { rows } = await pool.query(
    'SELECT l.id, l.received_at FROM cases c JOIN listings l ON l.id = c.listing_id WHERE c.id = $1',
    [caseId],
  );
  const listingRow = rows[0]!;
  const stored = await listingVersions(pool, listingRow.id);
  const audit = await pool.query(
    `SELECT seq, at, actor, action, details, hash FROM audit_log
     WHERE subject_type = 'case' AND subject_id = $1 AND NOT (action = ANY($2)) ORDER BY seq`,
    [caseId, audience === 'platform' ? PLATFORM_HIDDEN_AUDIT_ACTIONS : []],
  );
  const chain = await verifyAuditChain(pool);
  const { slack: _slack, ...internal } = view;
  const visible = audience === 'platform' ? platformCaseView(view) : internal;
  const { listing, detection: _latest, versions: _versions, ...caseFields } = visible;
  const verdictOf = new Map(view.versions.map((v) => [v.version, v.verdict]));
  const versions: VersionSnapshot[] = stored.map((v) => ({
    version: v.version,
    receivedAt: v.receivedAt,
    flagged: v.version === listing.version,
    verdict: verdictOf.get(v.version) ?? null,
    snapshot: v.raw,
    snapshotSha256: sha256(v.raw),
  }));
  const flagged = versions.find((v) => v.flagged)!;
  const pack: EvidencePack = {
    format: 'wild-sentinel-evidence-pack/2',
    generatedAt: new Date().toISOString(),
    generatedBy,
    audience,
    case: caseFields,
    listing: {
      ...listing,
      firstReceivedAt: listingRow.received_at.toISOString(),
      receivedAt: flagged.receivedAt,
      snapshot: flagged.snapshot,
      snapshotSha256: flagged.snapshotSha256,
    },
    versions,
    imageHashes: view.detections.flatMap((d) =>
      d.evidence
        .filter((e) => e.kind === 'image-match')
        .map((e) => ({
          detector: e.detector,
          hash: e.term ?? null,
          species: e.species ?? null,
          detail: e.detail ?? null,
        })),
    ),
    audit: audit.rows.map((a) => ({
      seq: Number(a.seq),
      at: a.at.toISOString(),
      actor: a.actor,
      action: a.action,
      details: a.details,
      hash: a.hash,
    })),
    auditChain: { rows: chain.rows, intact: chain.firstBrokenSeq === null },
  };
  await appendAudit(pool, {
    actor: generatedBy,
    action: 'evidence.exported',
    subjectType: 'case',
    subjectId: caseId,
    details: { audience },
  });
  return pack;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="none">None.</p>';
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td>${escapeHtml(typeof c === 'object' && c !== null ? JSON.stringify(c) : c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A readable, self-contained page (no scripts, no remote resources: images are listed as links text). */
export function renderEvidenceHtml(pack: EvidencePack): string {
  const c = pack.case;
  const l = pack.listing;
  const evidence = c.detections.flatMap((d) =>
    d.evidence.map((e) => [
      d.detector,
      e.kind,
      e.species ?? '',
      e.term ?? '',
      e.field ?? '',
      e.detail ?? '',
      e.strength,
    ]),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Evidence pack ${escapeHtml(c.id)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;width:100%;margin-bottom:1em}
td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}.none{color:#777}
pre{white-space:pre-wrap;background:#f7f7f7;padding:8px}</style></head><body>
<h1>Evidence pack: case ${escapeHtml(c.id)}</h1>
<p>Generated ${escapeHtml(pack.generatedAt)} by ${escapeHtml(pack.generatedBy)}. Status <b>${escapeHtml(c.status)}</b>,
verdict ${escapeHtml(c.verdict)}, priority ${escapeHtml(c.priority)}, opened ${escapeHtml(c.openedAt)}, decided ${escapeHtml(c.decidedAt ?? '-')}.</p>
<h2>Listing as flagged (version ${escapeHtml(l.version)} of ${escapeHtml(pack.versions.length)})</h2>
${table(
  [
    'platform',
    'external id',
    'version',
    'url',
    'title',
    'price',
    'seller',
    'first received',
    'version received',
  ],
  [
    [
      l.platformId,
      l.externalId,
      l.version,
      l.url ?? '',
      l.title,
      l.price === null ? '' : `${l.price} ${l.currency ?? ''}`,
      l.sellerId ?? '',
      l.firstReceivedAt,
      l.receivedAt,
    ],
  ],
)}
<h3>Description</h3><pre>${escapeHtml(l.description)}</pre>
<h3>Images</h3>${table(
    ['url'],
    l.imageUrls.map((u) => [u]),
  )}
<h3>Snapshot as received (sha256 ${escapeHtml(l.snapshotSha256)})</h3><pre>${escapeHtml(JSON.stringify(l.snapshot, null, 2))}</pre>
<h2>Every version</h2>${table(
    ['version', 'received', 'flagged', 'verdict', 'sha256'],
    pack.versions.map((v) => [
      v.version,
      v.receivedAt,
      v.flagged ? 'yes (decision basis)' : '',
      v.verdict,
      v.snapshotSha256,
    ]),
  )}
${pack.versions
  .filter((v) => !v.flagged)
  .map(
    (v) =>
      `<h3>Version ${escapeHtml(v.version)} as received (sha256 ${escapeHtml(v.snapshotSha256)})</h3><pre>${escapeHtml(JSON.stringify(v.snapshot, null, 2))}</pre>`,
  )
  .join('\n')}
<h2>Image hashes</h2>${table(
    ['detector', 'hash', 'species', 'detail'],
    pack.imageHashes.map((h) => [h.detector, h.hash, h.species, h.detail]),
  )}
<h2>Detections</h2>${table(
    ['version', 'detector', 'verdict', 'score', 'clause', 'explanation', 'at'],
    c.detections.map((d) => [d.version, d.detector, d.verdict, d.score, d.clause, d.explanation, d.at]),
  )}
<h2>Evidence</h2>${table(['detector', 'kind', 'species', 'term', 'field', 'detail', 'strength'], evidence)}
${
  c.reports
    ? `<h2>Volunteer reports</h2>${table(
        ['id', 'species', 'note', 'outcome', 'at'],
        c.reports.map((r) => [r.id, r.species, r.note, r.outcome, r.at]),
      )}`
    : ''
}
${
  c.photos?.length
    ? `<h2>Volunteer photos</h2>${table(
        ['photo', 'report', 'answer', 'type', 'bytes', 'sha256', 'PDQ', 'PDQ quality'],
        c.photos.map((p) => [
          p.id,
          p.reportId,
          p.answer ? 'yes' : 'no',
          p.mimeType,
          p.sizeBytes,
          p.sha256,
          p.pdq,
          p.pdqQuality,
        ]),
      )}`
    : ''
}
<h2>Decisions</h2>${table(
    ['at', 'reviewer', 'decision', 'action', 'reason code', 'note'],
    c.decisions.map((d) => [d.at, d.reviewer, d.decision, d.action, d.reasonCode, d.reason]),
  )}
${
  c.notes
    ? `<h2>Notes</h2>${table(
        ['at', 'author', 'note'],
        c.notes.map((n) => [n.at, n.author, n.note]),
      )}`
    : ''
}
<h2>Takedowns</h2>${table(
    ['action', 'status', 'platform reference', 'error', 'confirmed'],
    c.takedowns.map((t) => [t.action, t.status, t.reference, t.error, t.confirmedAt ?? '']),
  )}
<h2>Appeals</h2>${table(
    ['appeal', 'at', 'statement', 'status', 'decided by', 'reason', 'decided'],
    c.appeals.map((a) => [a.appealId, a.at, a.statement, a.status, a.decidedBy, a.reason, a.decidedAt]),
  )}
<h2>Audit trail</h2>
<p>Audit chain ${pack.auditChain.intact ? 'intact' : '<b>BROKEN</b>'} (${escapeHtml(pack.auditChain.rows)} rows checked).</p>
${table(
  ['seq', 'at', 'actor', 'action', 'details', 'hash'],
  pack.audit.map((a) => [a.seq, a.at, a.actor, a.action, a.details, a.hash]),
)}
</body></html>
`;
}
