// Re-listing by photo, end to end: two listings on one platform are removed through Slack; a new listing on
// another platform whose photo is a retouched, resized copy of theirs is linked to both (the case card
// says so and the case is most urgent, and the re-listing metric counts both by photo), while a listing with
// an unrelated photo is not linked.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningSystem, startSystem } from '../../cli/system.ts';
import { pdqDistance, pdqHashImage } from '../../detectors/image/index.ts';
import { loadConfig } from '../../shared/config.ts';
import { createPlatform } from '../../shared/db/platforms.ts';
import { computeMetrics } from '../../shared/metrics/index.ts';
import { refreshCaseFacts } from '../../shared/metrics/rollup.ts';
import { caseStateQuery } from '../../workflows/case-workflow.ts';
import { loadCaseView } from '../../workflows/use-cases/case-view.ts';
import { listen, type RunningServer } from '../fakes/http.ts';
import { type FakePlatform, startFakePlatform } from '../fakes/platform-endpoint.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.ts';
import { sendBlockAction } from '../fakes/slack-interactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { bundleWorkflows, eventually, installTestRuntime } from '../support/temporal.ts';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../shared/fixtures/pdq/images/${name}`, import.meta.url)));

const SLACK_TOKEN = 'xoxb-photo-links';
const SIGNING_SECRET = 'photo-links-signing-secret';
const TAKEDOWN_SECRET = 'photo-links-takedown-secret';
const REVIEWER = 'UREVIEWER';
const PHOTO_LINE = 'listing photo seen in 2 removed listings on 1 platform';

describe('photo linking: a removed listing’s photo re-listed on another platform', () => {
  let db: TestDatabase;
  let slack: FakeSlack;
  let platform: FakePlatform;
  let photoServer: RunningServer;
  let system: RunningSystem;
  const keys: Record<string, string> = {};
  const photos = new Map<string, Buffer>();
  const startedAt = new Date();

  beforeAll(async () => {
    installTestRuntime();
    const original = fixture('bridge-1-original.jpg');
    // What a re-lister does: shrink, brighten and re-encode the photo (a different file, a near hash).
    const copy = await sharp(original)
      .resize({ width: 480 })
      .modulate({ brightness: 1.08 })
      .jpeg({ quality: 70 })
      .toBuffer();
    photos.set('/original.jpg', original);
    photos.set('/contrast.jpg', fixture('bridge-mod-high-contrast.jpg'));
    photos.set('/copy.jpg', copy);
    photos.set('/unrelated.jpg', fixture('wee.jpg'));
    // Re-listers also mirror or rotate a photo, which changes its hash as posted completely.
    photos.set('/mirrored.jpg', await sharp(copy).flop().toBuffer());
    photos.set('/rotated.jpg', await sharp(copy).rotate(90).toBuffer());
    [db, slack, platform, photoServer] = await Promise.all([
      createTestDatabase(),
      startFakeSlack({ token: SLACK_TOKEN }),
      startFakePlatform(TAKEDOWN_SECRET),
      listen((req, res) => {
        const body = photos.get(req.url ?? '');
        res.writeHead(body ? 200 : 404, { 'content-type': 'image/jpeg' });
        res.end(body);
      }),
    ]);
    for (const id of ['shopa', 'shopb']) {
      ({ apiKey: keys[id]! } = await createPlatform(db.pool, {
        id,
        name: id,
        takedownUrl: platform.takedownUrl,
      }));
    }
    const config = loadConfig({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `photo-links-${Date.now()}`,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ws-photo-links-')),
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_REVIEW_CHANNEL: 'C0PHOTO',
      SLACK_REVIEWERS: REVIEWER,
      TAKEDOWN_SIGNING_SECRET: TAKEDOWN_SECRET,
      IMAGE_OCR: 'false',
      IMAGE_FETCH_ALLOW_PRIVATE: 'true',
    });
    system = await startSystem(config, { workflowBundle: await bundleWorkflows() });
  });

  afterAll(async () => {
    await system?.stop();
    await Promise.all([slack?.close(), platform?.close(), photoServer?.close()]);
    await db?.drop();
  });

  /** Posts a flagged listing with one photo (again, to update it); returns its case id. */
  async function post(platformId: string, externalId: string, photo: string): Promise<string> {
    const res = await fetch(`${system.apiUrl}/v1/listings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[platformId]}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        externalId,
        title: 'Antique carved ivory bangle',
        seller: { id: `seller-${externalId}` },
        imageUrls: [`${photoServer.url}${photo}`],
      }),
    });
    expect(res.ok).toBe(true);
    return ((await res.json()) as { caseId: string }).caseId;
  }

  /** Ingests a flagged listing with one photo and waits for its first review card. */
  async function ingestWithCard(platformId: string, externalId: string, photo: string) {
    const caseId = await post(platformId, externalId, photo);
    expect(caseId).toMatch(/^case-/);
    const card = await eventually(
      async () =>
        slack.callsTo('chat.postMessage').find((c) => JSON.stringify(c.args.blocks).includes(caseId)),
      `the review card of ${externalId}`,
      60_000,
    );
    return { caseId, card: JSON.stringify(card.args.blocks) };
  }

  /** External ids of the removed listings recorded as linked by photo from a listing. */
  async function linkedFrom(externalId: string): Promise<string[]> {
    const { rows } = await db.pool.query(
      `SELECT r.external_id FROM listing_photo_links pl JOIN listings n ON n.id = pl.listing_id
         JOIN listings r ON r.id = pl.removed_listing_id
       WHERE n.external_id = $1 ORDER BY 1`,
      [externalId],
    );
    return rows.map((r) => String(r.external_id));
  }

  async function remove(caseId: string) {
    const res = await sendBlockAction(
      `${system.apiUrl}/slack/events`,
      { actionId: 'case_approve', value: caseId, userId: REVIEWER },
      { signingSecret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    await eventually(async () => {
      const view = await loadCaseView(db.pool, caseId);
      return view?.takedowns.some((t) => t.status === 'done') || undefined;
    }, `the takedown of ${caseId}`);
  }

  it('uses photos that are near-duplicates by PDQ, not equal files', async () => {
    const [original, copy, unrelated] = await Promise.all(
      ['/original.jpg', '/copy.jpg', '/unrelated.jpg'].map((p) => pdqHashImage(photos.get(p)!)),
    );
    expect(pdqDistance(original!.hash, copy!.hash)).toBeGreaterThan(0);
    expect(pdqDistance(original!.hash, copy!.hash)).toBeLessThanOrEqual(31);
    expect(pdqDistance(original!.hash, unrelated!.hash)).toBeGreaterThan(31);
  });

  it('links a copy of a removed photo on another platform: the card says so and the case is most urgent', async () => {
    const first = await ingestWithCard('shopa', 'A-1', '/original.jpg');
    const second = await ingestWithCard('shopa', 'A-2', '/contrast.jpg');
    // Nothing was removed yet, so neither listing links to anything.
    expect(first.card).not.toContain('Seller history');
    expect(second.card).not.toContain('Seller history');
    expect((await loadCaseView(db.pool, second.caseId))?.sellerLinks).toEqual([]);
    await remove(first.caseId);
    await remove(second.caseId);

    const relisted = await ingestWithCard('shopb', 'B-1', '/copy.jpg');
    const view = await loadCaseView(db.pool, relisted.caseId);
    expect(view?.sellerLinks).toEqual([PHOTO_LINE]);
    expect(view?.priority).toBe(1);
    // The first card the reviewers get already shows the link (the case starts after deep screening).
    expect(relisted.card).toContain('Seller history');
    expect(relisted.card).toContain(PHOTO_LINE);
    expect(relisted.card).toContain('priority 1');
    const { rows } = await db.pool.query(
      "SELECT details FROM audit_log WHERE subject_id = $1 AND action = 'case.priority_raised'",
      [relisted.caseId],
    );
    expect(rows[0]?.details).toMatchObject({ priority: 1, links: [PHOTO_LINE] });
    // The links are recorded as the case opens, and the re-listing metric counts them (by photo).
    expect(await linkedFrom('B-1')).toEqual(['A-1', 'A-2']);
    await refreshCaseFacts(db.pool);
    const m = await computeMetrics(db.pool, { from: startedAt, to: new Date(Date.now() + 3600_000) });
    expect(m.relisting).toMatchObject({ removed: 2, relisted: 2, byPhoto: 2 });
  });

  it('does not link a listing whose photo is unrelated', async () => {
    const unrelated = await ingestWithCard('shopb', 'B-2', '/unrelated.jpg');
    const view = await loadCaseView(db.pool, unrelated.caseId);
    expect(view?.sellerLinks).toEqual([]);
    expect(view?.priority).toBe(2);
    expect(unrelated.card).not.toContain('Seller history');
    // Its photo was hashed and stored all the same, ready to link the next listing if this one is removed.
    const { rows } = await db.pool.query(
      'SELECT count(*) AS n FROM listing_photo_hashes p JOIN listings l ON l.id = p.listing_id WHERE l.external_id = $1',
      ['B-2'],
    );
    expect(Number(rows[0].n)).toBe(1);
    expect(await linkedFrom('B-2')).toEqual([]);
  });

  it('raises a case already under review when the listing comes back with a removed photo, and moves its deadline', async () => {
    const { caseId } = await ingestWithCard('shopb', 'B-3', '/unrelated.jpg');
    const review = system.temporal.workflow.getHandle(caseId);
    const before = await eventually(async () => {
      const state = await review.query(caseStateQuery);
      return state.dueAt !== undefined ? state : undefined;
    }, 'the review deadline');
    expect(before.priority).toBe(2);

    // The seller updates the listing with a copy of a removed listing's photo while it is under review.
    expect(await post('shopb', 'B-3', '/copy.jpg')).toBe(caseId);
    const after = await eventually(
      async () => {
        const state = await review.query(caseStateQuery);
        return state.priority === 1 ? state : undefined;
      },
      'the raised priority in the running review',
      60_000,
    );
    // Priority 1 is due an hour after the review started, priority 2 four hours.
    expect(after.dueAt).toBeLessThan(before.dueAt! - 2.5 * 3600_000);
    await eventually(async () => {
      const { rows } = await db.pool.query('SELECT priority, due_at FROM cases WHERE id = $1', [caseId]);
      return rows[0].priority === 1 && (rows[0].due_at as Date).getTime() === after.dueAt ? true : undefined;
    }, 'the moved deadline stored');
    expect(await linkedFrom('B-3')).toEqual(['A-1', 'A-2']);
  });

  it('links a mirrored or rotated copy of a removed photo', async () => {
    const [original, mirrored, rotated] = await Promise.all(
      ['/original.jpg', '/mirrored.jpg', '/rotated.jpg'].map((p) => pdqHashImage(photos.get(p)!)),
    );
    // As posted, neither is near the original: only their rotations and mirror images are.
    expect(pdqDistance(original!.hash, mirrored!.hash)).toBeGreaterThan(31);
    expect(pdqDistance(original!.hash, rotated!.hash)).toBeGreaterThan(31);
    for (const [externalId, photo] of [
      ['B-5', '/mirrored.jpg'],
      ['B-6', '/rotated.jpg'],
    ] as const) {
      const relisted = await ingestWithCard('shopb', externalId, photo);
      const view = await loadCaseView(db.pool, relisted.caseId);
      expect(view?.sellerLinks).toEqual([PHOTO_LINE]);
      expect(view?.priority).toBe(1);
      expect(await linkedFrom(externalId)).toEqual(['A-1', 'A-2']);
    }
  });
});
