#!/usr/bin/env node
// The published bin. `start` runs the long-lived system from a bundle of the TypeScript sources
// (scripts/start.mjs); every other command registers the TypeScript loader and runs the CLI directly.
if (process.argv[2] === 'start') {
  await import('../scripts/start.mjs');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
