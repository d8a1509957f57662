// Takedown adapters carry an approved decision to the platform.
//
// Writing a platform-specific adapter (for a platform whose API is not the generic webhook):
//  - implement `TakedownAdapter.send` for every `TakedownAction` the platform supports: remove_listing,
//    warn_seller, suspend_seller and restore_listing (undo and granted appeals). Answer
//    `{ kind: 'rejected' }` for an action the platform cannot perform.
//  - pass `request.idempotencyKey` to the platform (header, request id, client token): the same key is
//    sent on every retry of one case and action, and the platform must act once per key.
//  - return `{ kind: 'done', reference }` with the platform's own id for what it did; the reference is
//    shown to reviewers, kept in the evidence pack and matched by the callback endpoint.
//  - return `{ kind: 'rejected', error }` for a final refusal (a 4xx: bad request, unknown listing).
//    Never retried.
//  - throw for anything transient (timeouts, 5xx, 429): the workflow retries with the backoff policy of
//    the action (workflows/case-workflow.ts, TAKEDOWN_RETRY), so adapters never sleep or loop.
//  - keep secrets in the adapter's options; never put them in errors (errors are stored and shown).
//  - register it in `takedownAdapterFor(platform)` (cli/system.ts), chosen by the platform's id.
// The generic adapter is the signed HTTP webhook in http-adapter.ts.
import type { TakedownAction } from '../review/rules.ts';

export interface TakedownRequest {
  caseId: string;
  action: TakedownAction;
  /** Same key for every retry of this case and action: the platform performs it once. */
  idempotencyKey: string;
  listing: { externalId: string; url: string | null };
  seller?: { id: string } | null;
  decidedBy: string;
  clause: string | null;
}

export type TakedownOutcome =
  | { kind: 'done'; reference: string }
  /** The platform refused for good (4xx): retrying cannot help. */
  | { kind: 'rejected'; error: string };

export interface TakedownAdapter {
  /** Resolves with an outcome, or throws for transient failures so the caller retries. */
  send(request: TakedownRequest): Promise<TakedownOutcome>;
}
