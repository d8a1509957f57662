// The whole system started as `wild-sentinel start` starts it (startSystem), with the Telegram bot on
// long polling against the local Bot API server: a volunteer's report opens a case and, after a
// reviewer's decision through decideCase, the reporter receives the outcome.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningSystem, startSystem } from '../../../cli/system.ts';
import { loadConfig } from '../../../shared/config.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { addPlatformDomain } from '../../../shared/db/reports.ts';
import { decideCase } from '../../../workflows/use-cases/decide-case.ts';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-bot-api.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { bundleWorkflows, eventually, installTestRuntime } from '../../support/temporal.ts';

const TOKEN = '7000000003:system-test-token';
const REVIEWER = 'UREVIEWER';

describe('volunteer report through the running system (startSystem, Telegram long polling)', () => {
  let db: TestDatabase;
  let telegram: FakeTelegram;
  let system: RunningSystem;

  beforeAll(async () => {
    installTestRuntime();
    [db, telegram] = await Promise.all([createTestDatabase(), startFakeTelegram({ token: TOKEN })]);
    await createPlatform(db.pool, { id: 'shop', name: 'Shop' });
    await addPlatformDomain(db.pool, {
      domain: 'shop.example',
      platformId: 'shop',
      externalIdPattern: '^/items/([^/?#]+)',
    });
    const config = loadConfig({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `volunteer-system-${Date.now()}`,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ws-volunteer-')),
      SLACK_REVIEWERS: REVIEWER,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    system = await startSystem(config, { workflowBundle: await bundleWorkflows() });
  });

  afterAll(async () => {
    await system?.stop();
    await telegram?.close();
    await db?.drop();
  });

  const user = 9101;
  const from = { id: user, is_bot: false, first_name: 'Inés', language_code: 'es' };
  const chat = { id: user, type: 'private' as const, first_name: 'Inés' };
  const text = (body: string): Omit<Update, 'update_id'> => ({
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      text: body,
      ...(body.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: body.length }] }
        : {}),
    } as NonNullable<Update['message']>,
  });
  const press = (data: string): Omit<Update, 'update_id'> => ({
    callback_query: {
      id: `cq-${Math.random()}`,
      from,
      chat_instance: 'ci',
      data,
      message: { message_id: 1, date: 0, chat } as Message,
    },
  });
  const sent = () => (telegram.sent.get(String(user)) ?? []).map((m) => m.text ?? '');

  it('opens a case from a Telegram report and tells the reporter the decision', async () => {
    for (const u of [
      text('/start'),
      press('lang:es'),
      press('consent:yes'),
      text('/report'),
      text('https://shop.example/items/SYS-1'),
      press('sp:turtle'),
      text('peine de carey'),
      press('rep:send'),
    ])
      await telegram.pushUpdate(u);
    const confirmation = await eventually(
      async () => sent().find((t) => t.includes('quedó registrado')),
      'the confirmation',
    );
    const caseId = /(case-[0-9a-f]{24})/.exec(confirmation)![1]!;
    const { rows } = await db.pool.query('SELECT status FROM cases WHERE id = $1', [caseId]);
    expect(rows[0].status).toBe('open');

    const decided = await eventually(async () => {
      const r = await decideCase(system.temporal, {
        caseId,
        actor: REVIEWER,
        decision: 'reject',
        requestId: 'sys-1',
      });
      return r.ok ? r : undefined;
    }, 'an accepted decision');
    expect(decided.ok).toBe(true);
    const outcome = await eventually(
      async () => sent().find((t) => t.startsWith('No es una infracción.')),
      'the outcome',
    );
    expect(outcome).toContain(caseId);
    expect(outcome).toContain('https://shop.example/items/SYS-1');
  });
});
