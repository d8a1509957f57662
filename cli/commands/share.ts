// wild-sentinel share: signed bundles between deployments.
//   share keygen <dir>                     write an Ed25519 key pair (share-signing.key, share-signing.pub)
//   share trust <origin> <public-key.pem>  trust bundles signed by that origin's key
//   share export --origin <name> [--keywords <version|latest>] [--bank <NAME>]... [--signals-since <date>]
//                [--ttl-days <n>] [--out <file>]   (signs with SHARE_SIGNING_KEY_FILE)
//   share import <bundle.json> [--actor <name>]
//   share decide <shared-item-id> accept|reject [--actor <name>]
//   share link <listing-id>                seller-linking summary of a stored listing
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.ts';
import { generateSigningKey, loadSigningKey, ShareError } from '../../workflows/sharing/bundle.ts';
import { exportSignedBundle } from '../../workflows/sharing/export.ts';
import { decideSharedItem, importBundle } from '../../workflows/sharing/import.ts';
import { linkListing } from '../../workflows/sharing/linking.ts';
import { trustPeer } from '../../workflows/sharing/peers.ts';
import { withDatabase } from '../database.ts';

export const USAGE = `usage: wild-sentinel share keygen <dir>
       wild-sentinel share trust <origin> <public-key.pem>
       wild-sentinel share export --origin <name> [--keywords <version|latest>] [--bank <NAME>]... [--signals-since <date>] [--ttl-days <n>] [--out <file>]
       wild-sentinel share import <bundle.json> [--actor <name>]
       wild-sentinel share decide <shared-item-id> accept|reject [--actor <name>]
       wild-sentinel share link <listing-id>
Examples:
  wild-sentinel share keygen ./keys
  wild-sentinel share export --origin ngo-a --keywords latest --out bundle.json
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
      'ttl-days': { type: 'string' },
      out: { type: 'string' },
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
        const pem = readFileSync(rest[1], 'utf8');
        const id = await withDatabase(loadConfig(), (db) => trustPeer(db, rest[0]!, pem, actor));
        console.log(`trusting ${rest[0]} (key ${id})`);
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
        const report = await withDatabase(loadConfig(), (db) => importBundle(db, input, { actor }));
        console.log(JSON.stringify(report, null, 2));
        return 0;
      }
      case 'decide': {
        const action = rest[1];
        if (!rest[0] || (action !== 'accept' && action !== 'reject')) break;
        const result = await withDatabase(loadConfig(), (db) =>
          decideSharedItem(db, Number(rest[0]), action, actor),
        );
        console.log(JSON.stringify(result));
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
      console.error(`refused (${err.code}): ${err.message}`);
      return 1;
    }
    throw err;
  }
  console.error(USAGE);
  return 2;
}
