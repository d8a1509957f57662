// Case workflow histories for the replay test (test/histories/case-*.binpb, replayed by
// test/workflows/case-replay.test.ts). A test that drives a case through a step of the workflow records its
// history when RECORD_CASE_HISTORIES is set:
//   RECORD_CASE_HISTORIES=1 npx vitest run test/bots/volunteers/end-to-end.test.ts
// Record anew only when the workflow changed on purpose (behind a patch marker); older files stay, as they
// stand for cases still running on older code. Binary protos: this install's JSON history helpers cannot
// read @temporalio/proto types.
import { writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export async function recordCaseHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (!process.env.RECORD_CASE_HISTORIES) return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const bytes = temporal.api.history.v1.History.encode(history).finish();
  writeFileSync(new URL(`../histories/case-${name}.binpb`, import.meta.url), bytes);
}
