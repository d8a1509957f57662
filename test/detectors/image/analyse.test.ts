import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseListingImages } from '../../../detectors/image/analyse.ts';
import { BankMatcher } from '../../../detectors/image/bank-matcher.ts';
import { addItems, createBank } from '../../../detectors/image/bank-store.ts';
import { loadClassifier } from '../../../detectors/image/classifier.ts';
import { pdqHashImage } from '../../../detectors/image/hash-image.ts';
import { createPaddleOcr, type OcrEngine } from '../../../detectors/image/ocr.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { pdqImage } from './fixtures.ts';
import { buildChannelClassifier } from './tiny-onnx.ts';

/** A listing photo with text on it, rendered by the test itself. */
async function textPhoto(lines: string[]): Promise<Buffer> {
  const text = lines
    .map(
      (l, i) =>
        `<text x="30" y="${90 + i * 90}" font-family="DejaVu Sans" font-size="52" font-weight="bold">${l}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${60 + lines.length * 90}">${text}</svg>`;
  return sharp({ create: { width: 640, height: 60 + lines.length * 90, channels: 3, background: '#f4efe4' } })
    .composite([{ input: Buffer.from(svg) }])
    .jpeg()
    .toBuffer();
}

describe('analyseListingImages', () => {
  let db: TestDatabase;
  let server: Server;
  let base: string;
  let ocr: OcrEngine;
  const files = new Map<string, Buffer>();
  beforeAll(async () => {
    db = await createTestDatabase();
    const original = await pdqHashImage(pdqImage('bridge-1-original.jpg'));
    await createBank(db.pool, { name: 'KNOWN_IVORY' }, 'test');
    await addItems(
      db.pool,
      'KNOWN_IVORY',
      [{ pdq: original.hash, quality: 100, species: 'african-elephant', product: 'ivory carving' }],
      'test',
    );
    files.set('/mirrored.jpg', pdqImage('bridge-5-flipx.jpg'));
    files.set('/sign.jpg', await textPhoto(['IVORY CARVING', 'WeChat: tusk888']));
    files.set('/plain.jpg', await textPhoto(['HAND MADE', 'TEAK BOWL']));
    server = createServer((req, res) => {
      const body = files.get(req.url!);
      if (!body) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ocr = await createPaddleOcr();
  });
  afterAll(async () => {
    server.close();
    await db.drop();
  });

  it('finds a mirrored repost of a banked photo, with distance and variant', async () => {
    const matcher = new BankMatcher();
    await matcher.load(db.pool);
    const result = await analyseListingImages([`${base}/mirrored.jpg`], {
      matcher,
      fetch: { allowPrivateNetworks: true },
    });
    expect(result.images[0]).toMatchObject({ ref: `${base}/mirrored.jpg`, quality: 100 });
    const [match] = result.evidence;
    expect(match).toMatchObject({
      pdq: result.images[0]!.pdq,
      matchedPdq: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(match).toMatchObject({
      kind: 'bank-match',
      bank: 'KNOWN_IVORY',
      variant: 'flipX',
      suppressed: false,
    });
    expect(match?.kind === 'bank-match' ? match.distance : 999).toBeLessThanOrEqual(16);
    expect(result.signals).toEqual([
      expect.objectContaining({
        detector: 'image-hash',
        kind: 'image-match',
        term: result.images[0]!.pdq,
        species: 'african-elephant',
        product: 'ivory',
      }),
    ]);
  });

  it('reads text in a photo and screens it with the keyword engine, keeping the image reference', async () => {
    const result = await analyseListingImages([`${base}/sign.jpg`, `${base}/plain.jpg`], {
      ocr,
      fetch: { allowPrivateNetworks: true },
    });
    expect(result.images[0]!.ocrText).toMatch(/IVORY CARVING/);
    const hits = result.evidence.filter((e) => e.kind === 'ocr');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.image === `${base}/sign.jpg`)).toBe(true);
    const ivory = hits.find((h) => h.kind === 'ocr' && /ivory/i.test(h.term));
    expect(ivory).toBeDefined();
    expect(ivory!.kind === 'ocr' && ivory!.text.slice(ivory!.start, ivory!.end).toLowerCase()).toBe(
      ivory!.term.toLowerCase(),
    );
    expect(result.signals.some((s) => s.detector === 'image-ocr' && s.field === 'ocr')).toBe(true);
    expect(result.images[1]!.ocrText).toMatch(/TEAK/);
  });

  it('passes Chinese OCR text to the keyword engine with offsets into the text read', async () => {
    // No CJK font is installed to render 象牙 for the real OCR model, so this engine stands in for it;
    // the path after OCR is the same one the rendered-text test above exercises.
    const long = `${'x'.repeat(200)} IVORY 象牙手镯 出售 ${'y'.repeat(200)}`;
    const chineseOcr: OcrEngine = { recognise: async () => [{ text: long, confidence: 0.93 }] };
    const photo = await textPhoto(['any']);
    const result = await analyseListingImages([{ kind: 'upload', bytes: photo, name: 'tg-9.jpg' }], {
      ocr: chineseOcr,
      language: 'zh',
    });
    const hits = result.evidence.filter((e) => e.kind === 'ocr');
    const chinese = hits.find((h) => h.kind === 'ocr' && h.term.includes('象牙'));
    expect(chinese).toMatchObject({ image: 'upload:tg-9.jpg', confidence: 0.93 });
    expect(chinese!.kind === 'ocr' && chinese!.text.slice(chinese!.start, chinese!.end)).toBe(chinese!.term);
    // Stored evidence carries a snippet around the term; the whole text stays on the image record.
    expect(chinese!.kind === 'ocr' && chinese!.text.length).toBeLessThan(150);
    expect(result.images[0]!.ocrText).toBe(long);
  });

  it('adds classifier scores, and records a bad image as an error without failing the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-analyse-'));
    writeFileSync(join(dir, 'm.onnx'), buildChannelClassifier({ size: 8, channelOf: [2, 0, 1], gain: 3 }));
    const classifier = await loadClassifier({
      name: 'tiny',
      modelPath: join(dir, 'm.onnx'),
      labels: ['pangolin_scales', 'ivory', 'tiger_skin'],
      width: 8,
      height: 8,
    });
    const red = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const result = await analyseListingImages(
      [`${base}/missing.jpg`, { kind: 'upload', bytes: red, name: 'tg-1.png' }],
      { classifiers: [classifier], fetch: { allowPrivateNetworks: true, timeoutMs: 2000 } },
    );
    expect(result.images.map((i) => i.error?.code)).toEqual(['http_status', undefined]);
    expect(result.evidence).toEqual([
      {
        kind: 'classifier',
        image: 'upload:tg-1.png',
        model: 'tiny',
        label: 'ivory',
        score: expect.any(Number),
      },
    ]);
    const blocked = await analyseListingImages(['http://10.0.0.1/x.jpg'], {});
    expect(blocked.images[0]!.error?.code).toBe('blocked_address');
  });
});
