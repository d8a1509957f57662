// Deep screening end to end: a photo-only listing whose picture is in a hash bank, and a listing whose
// weak text signals an LLM (a local OpenAI-compatible server) confirms, both pass the fast path as
// "allow" and still become cases whose evidence shows what the heavy detectors found.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningSystem, startSystem } from '../../cli/system.ts';
import { addItems, createBank, pdqHashImage } from '../../detectors/image/index.ts';
import { loadConfig } from '../../shared/config.ts';
import { createPlatform } from '../../shared/db/platforms.ts';
import { listen, type RunningServer } from '../fakes/http.ts';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/openai-server.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { bundleWorkflows, eventually, installTestRuntime } from '../support/temporal.ts';

const PHOTO = readFileSync(
  fileURLToPath(new URL('../../../shared/fixtures/pdq/images/bridge-1-original.jpg', import.meta.url)),
);

interface ListingAnswer {
  verdict: string;
  caseId: string | null;
}
interface CaseAnswer {
  status: string;
  detection: { evidence: { detector: string; kind: string; bank?: string; distance?: number }[] };
}

describe('deep screening: images and LLM triage open cases the fast path let through', () => {
  let db: TestDatabase;
  let slack: FakeSlack;
  let llm: FakeOpenAI;
  let photos: RunningServer;
  let system: RunningSystem;
  let apiKey: string;

  beforeAll(async () => {
    installTestRuntime();
    [db, slack, llm, photos] = await Promise.all([
      createTestDatabase(),
      startFakeSlack({ token: 'xoxb-deep' }),
      startFakeOpenAI({ apiKey: 'sk-test-deep' }),
      listen((_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(PHOTO);
      }),
    ]);
    ({ apiKey } = await createPlatform(db.pool, { id: 'market', name: 'Market' }));
    const { hash, quality } = await pdqHashImage(PHOTO);
    await createBank(db.pool, { name: 'KNOWN_IVORY_PHOTOS' }, 'test');
    await addItems(
      db.pool,
      'KNOWN_IVORY_PHOTOS',
      [{ pdq: hash, quality, species: 'elephant', product: 'ivory' }],
      'test',
    );
    // The model confirms what the weak text only hints at.
    llm.fallback({
      json: {
        species: [{ name: 'African elephant', scientificName: 'Loxodonta africana' }],
        product: 'ivory',
        saleIntent: 'selling',
        imitationStated: false,
        verdict: 'review',
        confidence: 0.8,
        rationale: 'A netsuke carving of a white material described like elephant ivory.',
        quotes: ['netsuke carving'],
      },
    });
    const config = loadConfig({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `deep-${Date.now()}`,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ws-deep-')),
      SLACK_BOT_TOKEN: 'xoxb-deep',
      SLACK_SIGNING_SECRET: 'deep-secret',
      SLACK_API_URL: slack.apiUrl,
      SLACK_REVIEW_CHANNEL: 'C0DEEP',
      SLACK_REVIEWERS: 'UREV',
      TAKEDOWN_SIGNING_SECRET: 'unused',
      LLM_BASE_URL: llm.baseURL,
      LLM_API_KEY: 'sk-test-deep',
      IMAGE_OCR: 'false',
      IMAGE_FETCH_ALLOW_PRIVATE: 'true',
    });
    system = await startSystem(config, { workflowBundle: await bundleWorkflows() });
  });

  afterAll(async () => {
    await system?.stop();
    await Promise.all([slack?.close(), llm?.close(), photos?.close()]);
    await db?.drop();
  });

  const ingest = async (listing: object) => {
    const res = await fetch(`${system.apiUrl}/v1/listings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(listing),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as ListingAnswer;
  };
  const caseFor = (externalId: string) =>
    eventually(
      async () => {
        const { rows } = await db.pool.query(
          'SELECT c.id FROM cases c JOIN listings l ON l.id = c.listing_id WHERE l.external_id = $1',
          [externalId],
        );
        if (!rows[0]) return undefined;
        const res = await fetch(`${system.apiUrl}/v1/cases/${rows[0].id}`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        return (await res.json()) as CaseAnswer;
      },
      `a case for ${externalId}`,
      60_000,
    );

  it('matches a known photo against the hash bank and opens a case with the match as evidence', async () => {
    const answer = await ingest({
      externalId: 'photo-only',
      title: 'Beautiful carving',
      imageUrls: [`${photos.url}/listing-photo.jpg`],
    });
    expect(answer.verdict).toBe('allow');
    const view = await caseFor('photo-only');
    const match = view.detection.evidence.find((e) => e.detector === 'image' && e.kind === 'bank-match');
    expect(match).toMatchObject({ bank: 'KNOWN_IVORY_PHOTOS' });
    expect(match!.distance).toBeLessThanOrEqual(31);
    await eventually(async () => slack.callsTo('chat.postMessage').length > 0 || undefined, 'a review card');
  });

  it('sends weak text signals to the model, which raises the listing to review', async () => {
    const before = llm.requests.length;
    const answer = await ingest({ externalId: 'netsuke', title: 'Vintage netsuke carving' });
    expect(answer.verdict).toBe('allow');
    const view = await caseFor('netsuke');
    expect(llm.requests.length).toBeGreaterThan(before);
    expect(view.detection.evidence.some((e) => e.detector === 'llm')).toBe(true);
  });

  it('leaves ordinary listings on the fast path, without model calls or cases', async () => {
    const before = llm.requests.length;
    const answer = await ingest({ externalId: 'chairs', title: 'Garden chairs, set of four' });
    expect(answer).toMatchObject({ verdict: 'allow', caseId: null });
    const { rows } = await db.pool.query(
      "SELECT count(*) AS n FROM cases c JOIN listings l ON l.id = c.listing_id WHERE l.external_id = 'chairs'",
    );
    expect(Number(rows[0].n)).toBe(0);
    expect(llm.requests.length).toBe(before);
  });
});
