import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageInputError } from '../../../detectors/image/decode.ts';
import {
  fetchImage,
  ImageIntakeError,
  intakeImage,
  isBlockedAddress,
} from '../../../detectors/image/intake.ts';
import { pdqImage } from './fixtures.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    if (err instanceof ImageIntakeError || err instanceof ImageInputError) return err.code;
    throw err;
  }
}

describe('image intake from URLs', () => {
  const photo = pdqImage('wee.jpg');
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const hops = Number(url.searchParams.get('n') ?? 0);
      switch (url.pathname) {
        case '/photo.jpg':
          res.writeHead(200, {
            'content-type': 'image/jpeg; charset=binary',
            'content-length': photo.length,
          });
          return res.end(photo);
        case '/redirect':
          res.writeHead(302, { location: hops > 1 ? `/redirect?n=${hops - 1}` : '/photo.jpg' });
          return res.end();
        case '/html':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html></html>');
        case '/big-declared':
          res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 50_000_000 });
          return res.end(photo);
        case '/big-chunked': {
          // No content-length: the cap has to hold while streaming.
          res.writeHead(200, { 'content-type': 'image/png' });
          const chunk = Buffer.alloc(64 * 1024, 1);
          let sent = 0;
          const timer = setInterval(() => {
            if (res.destroyed || sent > 200) return clearInterval(timer);
            res.write(chunk);
            sent++;
          }, 1);
          return;
        }
        case '/slow':
          return; // never answers
        case '/fake.png':
          res.writeHead(200, { 'content-type': 'image/png' });
          return res.end('this is not a png');
        case '/missing':
          res.writeHead(404);
          return res.end();
        case '/to-private':
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
          return res.end();
      }
      res.writeHead(500);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const local = { allowPrivateNetworks: true, timeoutMs: 3000 };

  it('fetches an image and follows up to three redirects', async () => {
    const direct = await fetchImage(`${base}/photo.jpg`, local);
    expect(Buffer.from(direct.bytes).equals(photo)).toBe(true);
    expect(direct.contentType).toBe('image/jpeg');
    const redirected = await fetchImage(`${base}/redirect?n=3`, local);
    expect(redirected).toMatchObject({ redirects: 3, url: `${base}/photo.jpg` });
    expect(await codeOf(fetchImage(`${base}/redirect?n=4`, local))).toBe('too_many_redirects');
  });

  it('enforces content type, size (declared and streamed), status and time', async () => {
    expect(await codeOf(fetchImage(`${base}/html`, local))).toBe('content_type');
    expect(await codeOf(fetchImage(`${base}/big-declared`, local))).toBe('too_large');
    expect(await codeOf(fetchImage(`${base}/big-chunked`, { ...local, maxBytes: 1024 * 1024 }))).toBe(
      'too_large',
    );
    expect(await codeOf(fetchImage(`${base}/missing`, local))).toBe('http_status');
    const started = Date.now();
    expect(await codeOf(fetchImage(`${base}/slow`, { ...local, timeoutMs: 300 }))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('checks that the bytes really are an image', async () => {
    expect(await codeOf(intakeImage({ kind: 'url', url: `${base}/fake.png` }, { fetch: local }))).toBe(
      'unsupported_format',
    );
    const ok = await intakeImage({ kind: 'url', url: `${base}/photo.jpg` }, { fetch: local });
    expect(ok.ref).toBe(`${base}/photo.jpg`);
  });

  it('blocks loopback, private and link-local targets by default, however they are spelled', async () => {
    const port = (server.address() as AddressInfo).port;
    const open = { ports: [80, 443, port], timeoutMs: 3000 };
    expect(await codeOf(fetchImage(`${base}/photo.jpg`, open))).toBe('blocked_address');
    expect(await codeOf(fetchImage(`http://localhost:${port}/photo.jpg`, open))).toBe('blocked_address');
    expect(await codeOf(fetchImage(`http://2130706433:${port}/photo.jpg`, open))).toBe('blocked_address');
    expect(await codeOf(fetchImage(`http://[::ffff:127.0.0.1]:${port}/photo.jpg`, open))).toBe(
      'blocked_address',
    );
    expect(await codeOf(fetchImage('http://169.254.169.254/latest/meta-data/', open))).toBe(
      'blocked_address',
    );
    // A redirect is re-checked: with a policy that lets the test server through, its redirect to the
    // cloud metadata address is still refused.
    const onlyLinkLocalBlocked = (a: string) => a.startsWith('169.254.');
    const viaRedirect = { timeoutMs: 3000, ports: [80, port], isBlocked: onlyLinkLocalBlocked };
    expect((await fetchImage(`${base}/photo.jpg`, viaRedirect)).bytes.length).toBe(photo.length);
    expect(await codeOf(fetchImage(`${base}/to-private`, viaRedirect))).toBe('blocked_address');
    expect(await codeOf(fetchImage(`http://127.0.0.1:${port}/photo.jpg`))).toBe('blocked_port');
    expect(await codeOf(fetchImage('file:///etc/passwd'))).toBe('bad_url');
    expect(await codeOf(fetchImage('http://user:pw@example.com/a.jpg'))).toBe('bad_url');
  });

  it('classifies addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a00:1',
      '2002:c0a8:101::1',
      'not-an-ip',
    ]) {
      expect(isBlockedAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isBlockedAddress(a), a).toBe(false);
    }
  });

  it('accepts bot uploads through the same checks', async () => {
    const ok = await intakeImage({ kind: 'upload', bytes: photo, name: 'tg-123.jpg' });
    expect(ok.ref).toBe('upload:tg-123.jpg');
    expect(await codeOf(intakeImage({ kind: 'upload', bytes: Buffer.from('nope') }))).toBe(
      'unsupported_format',
    );
  });
});
