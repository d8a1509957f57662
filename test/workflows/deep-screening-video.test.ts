// Deep screening of a listing that links a video: the activity fetches it, matches its frames against the
// video bank, stores the explained detection and flags the listing; a video it cannot screen is stored as
// such and the listing is still screened. Real PostgreSQL; the activity is called as the worker calls it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankMatcher } from '../../detectors/image/bank-matcher.ts';
import { addItems, createBank } from '../../detectors/image/bank-store.ts';
import { vpdqFromVideoFile } from '../../detectors/image/frames.ts';
import { BASE_POLICY } from '../../detectors/policy/index.ts';
import { upsertListing } from '../../shared/db/listings.ts';
import { listingInputSchema } from '../../shared/listing.ts';
import { createScreeningActivities } from '../../workflows/activities/screening-activities.ts';
import { generateVideo, repostOf } from '../detectors/image/videos.ts';
import { addPlatform } from '../metrics/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('deep screening a listing video', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deep-video-'));
  let db: TestDatabase;
  let server: Server;
  let base: string;
  let matcher: BankMatcher;
  beforeAll(async () => {
    db = await createTestDatabase();
    await addPlatform(db.pool, 'shopa');
    const known = generateVideo(dir, 'known.mp4', 'testsrc2=size=320x240:rate=10:duration=5');
    const repost = readFileSync(repostOf(dir, 'repost.mp4', known));
    server = createServer((req, res) => {
      if (req.url !== '/clip.mp4') {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.end(repost);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await createBank(db.pool, { name: 'PANGOLIN_VIDEOS' }, 'test');
    await addItems(
      db.pool,
      'PANGOLIN_VIDEOS',
      [{ vpdq: await vpdqFromVideoFile(known), species: 'pangolin', product: 'scales' }],
      'test',
    );
    matcher = new BankMatcher();
    await matcher.load(db.pool);
  });
  afterAll(async () => {
    server.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const screen = async (externalId: string, video: object = {}) => {
    const listing = listingInputSchema.parse({
      externalId,
      title: 'Handmade gift box',
      description: 'see the clip',
      imageUrls: [`${base}/clip.mp4`],
    });
    const stored = await upsertListing(db.pool, 'shopa', listing);
    const { deepScreen } = createScreeningActivities({
      pool: db.pool,
      temporal: {} as Client, // deepScreen never starts workflows (startCase does)
      taskQueue: 'unused',
      reviewers: [],
      policy: async () => BASE_POLICY,
      images: { matcher, fetch: { allowPrivateNetworks: true }, video },
    });
    const result = await deepScreen({ listingId: stored.id, platformId: 'shopa' });
    const { rows } = await db.pool.query<{ verdict: string; evidence: Record<string, unknown>[] }>(
      "SELECT verdict, evidence FROM detections WHERE listing_id = $1 AND detector = 'deep-screening'",
      [stored.id],
    );
    const photos = await db.pool.query('SELECT 1 FROM listing_photo_hashes WHERE listing_id = $1', [
      stored.id,
    ]);
    return { result, rows, photoRows: photos.rowCount };
  };

  it('flags a listing whose video is a banked one, with the match explained and stored', async () => {
    const { result, rows, photoRows } = await screen('v1');
    expect(result.verdict).not.toBe('allow');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdict).toBe(result.verdict);
    expect(rows[0]!.evidence).toContainEqual(
      expect.objectContaining({
        detector: 'image',
        kind: 'bank-match',
        bank: 'PANGOLIN_VIDEOS',
        image: `${base}/clip.mp4`,
        video: expect.objectContaining({ queryMatchPercent: 100 }),
      }),
    );
    expect(photoRows).toBe(0); // a video's frames are not the listing's photos
  });

  it('stores a video it could not screen as such, and still screens the listing', async () => {
    const { result, rows } = await screen('v2', { maxDurationSeconds: 1 });
    expect(result.verdict).toBe('allow');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.evidence).toEqual([
      expect.objectContaining({ detector: 'image', kind: 'media-unscreened', code: 'too_long' }),
    ]);
  });
});
