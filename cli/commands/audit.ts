// wild-sentinel audit verify: recomputes the audit log's hash chain and names the first broken row.
import { loadConfig } from '../../shared/config.ts';
import { verifyAuditChain } from '../../shared/db/audit.ts';
import { withDatabase } from '../database.ts';

export const USAGE =
  "usage: wild-sentinel audit verify\nRecomputes the audit log's hash chain; exit code 1 names the first broken row.\nExamples:\n  wild-sentinel audit verify";

export async function run(args: string[]): Promise<number> {
  if (args[0] !== 'verify' || args.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const result = await withDatabase(loadConfig(), verifyAuditChain);
  if (result.firstBrokenSeq === null) {
    console.log(`audit log intact: ${result.rows} rows`);
    return 0;
  }
  console.error(`audit log BROKEN at row ${result.firstBrokenSeq} (of ${result.rows})`);
  return 1;
}
