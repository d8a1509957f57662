#!/usr/bin/env node
// The published bin: register the TypeScript loader, then run the CLI written in TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
