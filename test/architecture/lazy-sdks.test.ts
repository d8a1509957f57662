// A deployment without Slack, Telegram or Discord loads none of their SDKs (nor OpenAI's without an LLM
// endpoint): `start` imports them only when configured (cli/chat.ts), which keeps ~100 MB out of an idle
// process. A static import anywhere in the start path would bring them back; this test notices.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDKS = ['discord.js', '@discordjs/rest', '@slack/bolt', '@slack/web-api', 'grammy', 'openai'];

// Imports what `start` imports up front, then lists the packages in the CommonJS cache (every SDK above is CommonJS).
const PROBE = `
const modules = ['./cli/system.ts', './workflows/index.ts', './workflows/campaigns/activities.ts'];
for (const m of modules) await import(m);
const { createRequire } = await import('node:module');
const cache = Object.keys(createRequire(import.meta.url).cache);
const names = new Set(cache.flatMap((p) => p.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/)?.[1] ?? []));
console.log(JSON.stringify([...names]));
`;

function loadedPackages(): string[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as string[];
}

describe('start without chat platforms', () => {
  it('loads no chat or LLM SDK', () => {
    const loaded = loadedPackages();
    expect(loaded).toContain('@temporalio/client'); // the probe does see packages
    expect(loaded.filter((p) => SDKS.includes(p))).toEqual([]);
  }, 60_000);
});
