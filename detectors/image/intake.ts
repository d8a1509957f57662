// Image intake: fetching listing photos from URLs under strict limits, and accepting bot uploads.
// A listing URL is attacker-chosen, so the fetcher is built against SSRF: only http(s), no credentials
// in URLs, allowed ports only, at most N redirects each re-checked, and every address actually
// connected to is checked against private, loopback, link-local and other special ranges *at connect
// time* (in the socket's DNS lookup), which also defeats DNS rebinding. Size, content type and time are
// capped while streaming, before anything is decoded.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, ImageInputError, inspectImage } from './decode.ts';

export const intakeOptionsSchema = z.object({
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Whole fetch, redirects included. */
  timeoutMs: z.number().int().positive().default(10_000),
  maxRedirects: z.number().int().min(0).max(10).default(3),
  contentTypes: z
    .array(z.string())
    .default([
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/gif',
      'image/avif',
      'image/heic',
      'image/heif',
      'image/tiff',
    ]),
  ports: z.array(z.number().int().min(1).max(65535)).default([80, 443]),
  /** Only for tests and closed deployments: allows private/loopback addresses and any port. */
  allowPrivateNetworks: z.boolean().default(false),
  userAgent: z.string().default('WildSentinel-ImageIntake/0.1'),
  /** The address policy; isBlockedAddress unless a deployment narrows or widens it. */
  isBlocked: z
    .custom<(address: string) => boolean>((v) => typeof v === 'function')
    .default(() => isBlockedAddress),
});
export type IntakeOptions = z.input<typeof intakeOptionsSchema>;

export type IntakeErrorCode =
  | 'bad_url'
  | 'blocked_address'
  | 'blocked_port'
  | 'too_many_redirects'
  | 'http_status'
  | 'content_type'
  | 'too_large'
  | 'timeout'
  | 'network';

export class ImageIntakeError extends Error {
  constructor(
    readonly code: IntakeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImageIntakeError';
  }
}

// Everything that is not the public internet (RFC 6890 special-purpose registries and friends).
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

// IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by that IPv4 address.
function embeddedIpv4(address: string): string | null {
  const a = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(a);
  const m = hex ?? sixToFour;
  if (!m) return null;
  const hi = Number.parseInt(m[1]!, 16);
  const lo = Number.parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for any address a listing URL must never reach: private, loopback, link-local, reserved... */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  const v4 = embeddedIpv4(address);
  if (v4 !== null) return BLOCKED.check(v4, 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

function guardedLookup(allowPrivate: boolean, isBlocked: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isBlocked(a.address));
      if (usable.length === 0) {
        const e = new ImageIntakeError(
          'blocked_address',
          `${hostname} resolves only to non-public addresses`,
        );
        return callback(e as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, usable as unknown as string);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

export interface FetchedImage {
  bytes: Uint8Array;
  contentType: string;
  /** The URL the bytes came from, after redirects. */
  url: string;
  redirects: number;
}

function checkUrl(raw: string, o: z.infer<typeof intakeOptionsSchema>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ImageIntakeError('bad_url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ImageIntakeError('bad_url', `scheme ${url.protocol} is not allowed`);
  }
  if (url.username || url.password)
    throw new ImageIntakeError('bad_url', 'URLs with credentials are not allowed');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (!o.allowPrivateNetworks && !o.ports.includes(port)) {
    throw new ImageIntakeError('blocked_port', `port ${port} is not allowed`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // IP literals never go through DNS lookup, so they are checked here.
  if (!o.allowPrivateNetworks && isIP(host) !== 0 && o.isBlocked(host)) {
    throw new ImageIntakeError('blocked_address', `${host} is not a public address`);
  }
  return url;
}

function getOnce(
  url: URL,
  o: z.infer<typeof intakeOptionsSchema>,
  signal: AbortSignal,
): Promise<{ status: number; location?: string; contentType: string; bytes?: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(
      url,
      {
        lookup: guardedLookup(o.allowPrivateNetworks, o.isBlocked),
        signal,
        headers: { 'user-agent': o.userAgent, accept: o.contentTypes.join(', ') },
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (status >= 300 && status < 400) {
          res.resume();
          return resolve({ status, location: res.headers.location, contentType });
        }
        if (status !== 200) {
          res.resume();
          return reject(new ImageIntakeError('http_status', `server answered ${status}`));
        }
        if (!o.contentTypes.includes(contentType)) {
          res.destroy();
          return reject(
            new ImageIntakeError(
              'content_type',
              `content type "${contentType}" is not an accepted image type`,
            ),
          );
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > o.maxBytes) {
          res.destroy();
          return reject(
            new ImageIntakeError('too_large', `image is ${declared} bytes; the limit is ${o.maxBytes}`),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > o.maxBytes) {
            res.destroy();
            reject(new ImageIntakeError('too_large', `image is over the ${o.maxBytes}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, contentType, bytes: new Uint8Array(Buffer.concat(chunks)) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** Fetches one image URL under the limits; throws ImageIntakeError with a stable code otherwise. */
export async function fetchImage(rawUrl: string, options: IntakeOptions = {}): Promise<FetchedImage> {
  const o = intakeOptionsSchema.parse(options);
  const signal = AbortSignal.timeout(o.timeoutMs);
  let url = checkUrl(rawUrl, o);
  for (let redirects = 0; ; redirects++) {
    let answer: Awaited<ReturnType<typeof getOnce>>;
    try {
      answer = await getOnce(url, o, signal);
    } catch (err) {
      if (err instanceof ImageIntakeError) throw err;
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof ImageIntakeError) throw cause;
      if (signal.aborted)
        throw new ImageIntakeError('timeout', `no complete answer within ${o.timeoutMs} ms`, { cause: err });
      throw new ImageIntakeError('network', `fetch failed: ${(err as Error).message}`, { cause: err });
    }
    if (answer.bytes)
      return { bytes: answer.bytes, contentType: answer.contentType, url: url.toString(), redirects };
    if (redirects >= o.maxRedirects) {
      throw new ImageIntakeError('too_many_redirects', `more than ${o.maxRedirects} redirects`);
    }
    if (!answer.location)
      throw new ImageIntakeError('http_status', `redirect ${answer.status} without a Location`);
    url = checkUrl(new URL(answer.location, url).toString(), o);
  }
}

export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'upload'; bytes: Uint8Array; name?: string; contentType?: string };

export interface IntakenImage {
  /** How evidence refers to the image: the URL, or `upload:<name>`. */
  ref: string;
  bytes: Uint8Array;
}

/** One entry point for listing URLs and bot uploads; both leave with the image header verified. */
export async function intakeImage(
  source: ImageSource,
  options: { fetch?: IntakeOptions; decode?: DecodeLimits } = {},
): Promise<IntakenImage> {
  const decode = options.decode ?? DEFAULT_DECODE_LIMITS;
  if (source.kind === 'url') {
    const fetched = await fetchImage(source.url, options.fetch);
    await inspectImage(fetched.bytes, decode);
    return { ref: source.url, bytes: fetched.bytes };
  }
  if (source.bytes.length > decode.maxBytes) {
    throw new ImageInputError(
      'too_large_bytes',
      `upload is ${source.bytes.length} bytes; the limit is ${decode.maxBytes}`,
    );
  }
  await inspectImage(source.bytes, decode);
  return { ref: `upload:${source.name ?? 'image'}`, bytes: source.bytes };
}
