// Takedown adapters carry an approved decision to the platform. A platform-specific adapter implements
// this interface; the generic one is the signed HTTP webhook in http-adapter.ts.

export interface TakedownRequest {
  caseId: string;
  action: string;
  /** Same key for every retry of this case and action: the platform performs it once. */
  idempotencyKey: string;
  listing: { externalId: string; url: string | null };
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
