// The workflow bundle's entry point: every workflow the worker runs is exported here.
export { campaignWorkflow } from './campaigns/workflow.ts';
export { caseWorkflow } from './case-workflow.ts';
export {
  allowedListingRetentionWorkflow,
  caseFactsRefreshWorkflow,
  metricsRollupWorkflow,
  weeklyDigestWorkflow,
} from './digest/workflow.ts';
export { scorerRetrainWorkflow } from './scorer/workflow.ts';
export { screeningWorkflow } from './screening-workflow.ts';
export { shareFetchWorkflow } from './sharing/exchange-workflow.ts';
export { termMiningWorkflow } from './terms/workflow.ts';
