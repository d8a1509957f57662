// The policy engine's public surface: policy data, the decision function and statements of reasons.
export {
  type ClauseMatch,
  type DecisionInput,
  decide,
  effectiveClauses,
  type PolicyDecision,
  platformPolicy,
} from './decide.ts';
export { BASE_CLAUSES, BASE_POLICY, BASE_POLICY_INPUT, PLATFORM_PRESETS } from './framework.ts';
export { type LimitReason, LOCALES, type Locale, type MessageKey, renderExplanation } from './messages.ts';
export * from './schema.ts';
export {
  type DsaStatement,
  dsaStatementSchema,
  type StatementInput,
  statementOfReasons,
  submissionBatches,
} from './sor.ts';
export { indexSpecies } from './species-index.ts';
export {
  activePolicyCache,
  listPolicyVersions,
  loadActivePolicy,
  PolicyChangeError,
  proposePolicy,
  reviewPolicy,
  saveStatement,
  unsubmittedStatements,
} from './store.ts';
export { productForm, textSignals } from './text-signals.ts';
