// wild-sentinel share: signed bundles between deployments.
//   share keygen <dir>                     write an Ed25519 key pair (share-signing.key, share-signing.pub)
//   share trust <origin> <public-key.pem> [--url <api>]  trust that origin's key (and fetch it on the schedule)
//   share peers                            trusted peers, their URL, cursor and last fetch
//   share fetch [<origin>]                 fetch now what the peers changed (what the schedule does)
//   share export --origin <name> [--keywords <version|latest>] [--bank <NAME>]... [--signals-since <date>]
//                [--candidates] [--ttl-days <n>] [--out <file>]   (signs with SHARE_SIGNING_KEY_FILE)
//   share import <bundle.json> [--actor <name>]
//   share pending                          quarantined items waiting for a person, by name
//   share decide <name|id> accept|reject [--actor <name>]
//   share false-positive <name|id> [--note <text>]   stop using a shared item and tell its origin
//   share feedback                         what peers said about the items this deployment shared
//   share link <listing-id>                seller-linking summary of a stored listing
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.ts';
import { generateSigningKey, loadSigningKey, ShareError } from '../../workflows/sharing/bundle.ts';
import { exportSignedBundle } from '../../workflows/sharing/export.ts';
import { listFeedback, reportFalsePositive } from '../../workflows/sharing/feedback.ts';
import { fetchablePeers, fetchPeer, PeerFetchError } from '../../workflows/sharing/fetch.ts';
import { decideSharedItem, importBundle, listPending } from '../../workflows/sharing/import.ts';
import { linkListing } from '../../workflows/sharing/linking.ts';
import { formatPeer, listPeers, peerUrlProblem, trustPeer } from '../../workflows/sharing/peers.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel share keygen <dir>
       wild-sentinel share trust <origin> <public-key.pem> [--url <peer API base URL>]
       wild-sentinel share peers
       wild-sentinel share fetch [<origin>]
       wild-sentinel share export --origin <name> [--keywords <version|latest>] [--bank <NAME>]... [--signals-since <date>] [--candidates] [--ttl-days <n>] [--out <file>]
       wild-sentinel share import <bundle.json> [--actor <name>]
       wild-sentinel share pending
       wild-sentinel share decide <name|id> accept|reject [--actor <name>]
       wild-sentinel share false-positive <name|id> [--note <text>] [--actor <name>]
       wild-sentinel share feedback
       wild-sentinel share link <listing-id>
Examples:
  wild-sentinel share keygen ./keys
  wild-sentinel share trust ngo-a ngo-a.pub --url https://sentinel.ngo-a.example
  wild-sentinel share fetch ngo-a
  wild-sentinel share pending
  wild-sentinel share decide ngo-a/keyword-library:2.1.0 accept
  wild-sentinel share false-positive ngo-a/seller-signal:phone:3f2a --note "a courier's number"
  wild-sentinel share export --origin ngo-a --keywords latest --out bundle.json
  wild-sentinel share export --origin ngo-a --candidates --out candidates.json
  wild-sentinel share import bundle.json --actor bob`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      origin: { type: 'string' },
      keywords: { type: 'string' },
      bank: { type: 'string', multiple: true },
      'signals-since': { type: 'string' },
      candidates: { type: 'boolean', default: false },
      'ttl-days': { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      note: { type: 'string' },
      actor: { type: 'string', default: `cli:${process.env.USER ?? 'unknown'}` },
    },
  });
  const [sub, ...rest] = positionals;
  const actor = values.actor!;
  try {
    switch (sub) {
      case 'keygen': {
        if (!rest[0]) break;
        const keys = generateSigningKey();
        mkdirSync(rest[0], { recursive: true });
        writeFileSync(join(rest[0], 'share-signing.key'), keys.privateKeyPem, { mode: 0o600 });
        writeFileSync(join(rest[0], 'share-signing.pub'), keys.publicKeyPem);
        console.log(
          `wrote ${join(rest[0], 'share-signing.pub')} (give it to peers) and the private key beside it`,
        );
        return 0;
      }
      case 'trust': {
        if (!rest[0] || !rest[1]) break;
        const problem = values.url === undefined ? undefined : peerUrlProblem(values.url);
        if (problem) {
          console.error(problem);
          return 2;
        }
        const pem = readFileSync(rest[1], 'utf8');
        const id = await withDatabase(loadConfig(), (db) => trustPeer(db, rest[0]!, pem, actor, values.url));
        console.log(
          `trusting ${rest[0]} (key ${id})${values.url ? `; fetched from ${values.url} on the schedule` : ''}`,
        );
        return 0;
      }
      case 'peers': {
        const peers = await withDatabase(loadConfig(), (db) => listPeers(db));
        if (peers.length === 0) console.log('no trusted peers (wild-sentinel share trust)');
        for (const p of peers) console.log(formatPeer(p));
        return 0;
      }
      case 'fetch': {
        const config = loadConfig();
        const key = loadSigningKey({ SHARE_SIGNING_KEY_FILE: config.SHARE_SIGNING_KEY_FILE });
        if (!key || !config.SHARE_ORIGIN) {
          console.error('set SHARE_ORIGIN and SHARE_SIGNING_KEY_FILE to fetch from peers');
          return 2;
        }
        return await withDatabase(config, async (db) => {
          const origins = rest[0] ? [rest[0]] : await fetchablePeers(db);
          let failed = 0;
          for (const origin of origins) {
            try {
              const s = await fetchPeer({ pool: db, self: config.SHARE_ORIGIN!, key }, origin);
              console.log(
                `${origin}: ${s.accepted} accepted, ${s.quarantined} quarantined, ${s.rejected} rejected, ${s.withdrawn} withdrawn, ${s.feedbackReceived} feedback received, ${s.feedbackPushed} feedback sent (cursor ${s.cursor})`,
              );
            } catch (err) {
              if (!(err instanceof PeerFetchError)) throw err;
              failed++;
              console.error(`${origin}: ${err.message}`);
            }
          }
          return failed ? 1 : 0;
        });
      }
      case 'pending': {
        const items = await withDatabase(loadConfig(), (db) => listPending(db));
        if (items.length === 0) console.log('nothing waits for a decision');
        for (const i of items)
          console.log(
            `${i.name}  ${i.summary}  (received ${i.receivedAt.toISOString().slice(0, 16)}Z, expires ${i.expiresAt.toISOString().slice(0, 10)})`,
          );
        if (items.length) console.log('decide with: wild-sentinel share decide <name> accept|reject');
        return 0;
      }
      case 'false-positive': {
        if (!rest[0]) break;
        const config = loadConfig();
        if (!config.SHARE_ORIGIN) {
          console.error('set SHARE_ORIGIN: the origin is told who sent the feedback');
          return 2;
        }
        const sent = await withDatabase(config, (db) =>
          reportFalsePositive(db, rest[0]!, { self: config.SHARE_ORIGIN!, actor, note: values.note }),
        );
        console.log(`${sent.name} is no longer used here; ${sent.to} is told with the next fetch`);
        return 0;
      }
      case 'feedback': {
        const received = await withDatabase(loadConfig(), (db) => listFeedback(db));
        if (received.length === 0) console.log('no feedback from peers');
        for (const f of received)
          console.log(
            `${f.receivedAt.toISOString().slice(0, 16)}Z  ${f.from}: ${f.verdict} on ${f.itemId}${f.note ? ` (${f.note})` : ''}`,
          );
        return 0;
      }
      case 'export': {
        if (!values.origin) break;
        const key = loadSigningKey();
        if (!key) {
          console.error(
            'set SHARE_SIGNING_KEY_FILE to the deployment signing key (wild-sentinel share keygen)',
          );
          return 2;
        }
        const bundle = await withDatabase(loadConfig(), (db) =>
          exportSignedBundle(
            db,
            {
              origin: values.origin!,
              keywordVersion: values.keywords,
              banks: values.bank,
              sellerSignalsSince: values['signals-since'] ? new Date(values['signals-since']) : undefined,
              termCandidates: values.candidates,
              ttlDays: values['ttl-days'] ? Number(values['ttl-days']) : undefined,
            },
            key,
          ),
        );
        const text = JSON.stringify(bundle);
        if (values.out) writeFileSync(values.out, text);
        else console.log(text);
        return 0;
      }
      case 'import': {
        if (!rest[0]) break;
        const input = JSON.parse(readFileSync(rest[0], 'utf8')) as unknown;
        const config = loadConfig();
        // Feedback in the file is recorded when it is addressed to this deployment.
        const report = await withDatabase(config, (db) =>
          importBundle(db, input, { actor, self: config.SHARE_ORIGIN }),
        );
        console.log(JSON.stringify(report, null, 2));
        return 0;
      }
      case 'decide': {
        const action = rest[1];
        if (!rest[0] || (action !== 'accept' && action !== 'reject')) break;
        const result = await withDatabase(loadConfig(), (db) =>
          decideSharedItem(db, rest[0]!, action, actor),
        );
        console.log(`${result.name}: ${result.status}`);
        return 0;
      }
      case 'link': {
        if (!rest[0] || !/^\d+$/.test(rest[0])) break;
        const summary = await withDatabase(loadConfig(), (db) => linkListing(db, rest[0]!));
        console.log(JSON.stringify(summary, null, 2));
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof ShareError) {
      console.error(err.code === 'not_found' ? err.message : `refused (${err.code}): ${err.message}`);
      return 1;
    }
    throw err;
  }
  console.error(USAGE);
  return 2;
}
