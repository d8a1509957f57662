// wild-sentinel evidence <caseId> [--html] [--out FILE]: the case's evidence pack (listing snapshot, image
// hashes, evidence, decisions with actors and times, takedowns, appeals, audit trail) as JSON or HTML.
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { loadConfig } from '../../shared/config.ts';
import { buildEvidencePack, renderEvidenceHtml } from '../../workflows/use-cases/evidence-pack.ts';
import { withDatabase } from '../database.ts';

export const USAGE =
  'usage: wild-sentinel evidence <caseId> [--html] [--out FILE]' +
  '\nExamples:\n  wild-sentinel evidence case-0123456789abcdef01234567 --html --out case.html';

export async function run(args: string[]): Promise<number> {
  const caseId = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--out');
  const html = args.includes('--html');
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (!caseId || (outAt >= 0 && !out)) {
    console.error(USAGE);
    return 2;
  }
  const pack = await withDatabase(loadConfig(), (pool) =>
    buildEvidencePack(pool, caseId, `cli:${userInfo().username}`),
  );
  if (!pack) {
    console.error(`no case ${caseId}`);
    return 1;
  }
  const text = html ? renderEvidenceHtml(pack) : `${JSON.stringify(pack, null, 2)}\n`;
  if (out) {
    writeFileSync(out, text, { mode: 0o600 });
    console.error(`evidence pack for ${caseId} written to ${out}`);
  } else process.stdout.write(text);
  return 0;
}
