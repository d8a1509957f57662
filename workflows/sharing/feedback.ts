// False-positive feedback, both ways. A receiver marks a shared item as wrong for it: the item stops being
// used here at once, and a signed feedback item addressed to its origin waits in the outbox, pushed to the
// origin by the next fetch (or pulled by it). The origin records what its peers said (share_feedback).
import { appendAudit } from '../../shared/db/audit.ts';
import { inTransaction, type Pool, type Queryable } from '../../shared/db/pool.ts';
import type { ShareItem } from './bundle.ts';
import { decideSharedItemIn } from './import.ts';
import { itemDigest, lockOutbox } from './outbox.ts';

const DAY = 24 * 3600 * 1000;

export async function reportFalsePositive(
  pool: Pool,
  ref: string,
  o: { self: string; actor: string; note?: string; ttlDays?: number; now?: Date },
): Promise<{ name: string; to: string }> {
  const now = o.now ?? new Date();
  const reason = `false positive${o.note ? `: ${o.note}` : ''}`;
  // One transaction: the item stops here and the feedback is queued, or neither.
  return inTransaction(pool, async (tx) => {
    const item = await decideSharedItemIn(tx, ref, 'reject', o.actor, reason);
    const feedback: Extract<ShareItem, { type: 'feedback' }> = {
      id: `feedback:${item.origin}:${item.itemId}`.slice(0, 200),
      type: 'feedback',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (o.ttlDays ?? 180) * DAY).toISOString(),
      provenance: { origin: o.self, source: 'feedback' },
      payload: { to: item.origin, itemId: item.itemId, verdict: 'false-positive', note: o.note },
    };
    await lockOutbox(tx);
    await tx.query(
      `INSERT INTO share_outbox (item_id, type, audience, payload, provenance, digest, status, published_at, expires_at)
       VALUES ($1, 'feedback', $2, $3, $4, $5, 'active', $6, $7)
       ON CONFLICT (item_id) DO UPDATE SET payload = EXCLUDED.payload, digest = EXCLUDED.digest, status = 'active',
         seq = nextval('share_outbox_seq'), published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at`,
      [
        feedback.id,
        item.origin,
        JSON.stringify(feedback.payload),
        JSON.stringify(feedback.provenance),
        itemDigest(feedback),
        now,
        feedback.expiresAt,
      ],
    );
    await appendAudit(tx, {
      actor: o.actor,
      action: 'share.feedback.sent',
      subjectType: 'shared_item',
      subjectId: String(item.id),
      details: { to: item.origin, itemId: item.itemId, verdict: 'false-positive', note: o.note ?? null },
    });
    return { name: item.name, to: item.origin };
  });
}

export interface ReceivedFeedback {
  from: string;
  itemId: string;
  verdict: string;
  note: string | null;
  receivedAt: Date;
}

/** What peers said about the items this deployment shared, newest first. */
export async function listFeedback(db: Queryable): Promise<ReceivedFeedback[]> {
  const { rows } = await db.query(
    'SELECT from_origin, item_id, verdict, note, received_at FROM share_feedback ORDER BY received_at DESC, id DESC',
  );
  return rows.map((r) => ({
    from: String(r.from_origin),
    itemId: String(r.item_id),
    verdict: String(r.verdict),
    note: (r.note as string | null) ?? null,
    receivedAt: r.received_at as Date,
  }));
}
