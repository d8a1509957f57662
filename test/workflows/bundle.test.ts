// The workflow sandbox forbids Node built-ins: an import that drags one in must fail CI, not the worker.
import { describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/temporal.ts';

describe('workflow bundle', () => {
  it('bundles every workflow without sandbox-breaking imports', async () => {
    const bundle = await bundleWorkflows();
    expect(bundle.code).toContain('caseWorkflow');
  });
});
