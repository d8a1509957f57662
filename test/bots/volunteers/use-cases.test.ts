// The volunteer use cases on real PostgreSQL and the real case workflow on the Temporal dev server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelFor } from '../../../bots/volunteers/use-cases.ts';
import { caseIdFor } from '../../../shared/db/cases.ts';
import { upsertListing } from '../../../shared/db/listings.ts';
import { createPlatform } from '../../../shared/db/platforms.ts';
import { reportersOfCase } from '../../../shared/db/reports.ts';
import type { Volunteer } from '../../../shared/db/volunteers.ts';
import {
  createVolunteerNotifier,
  type OutcomeMessage,
} from '../../../workflows/activities/volunteer-activities.ts';
import { caseStateQuery } from '../../../workflows/case-workflow.ts';
import { normalizeListingUrl } from '../../../workflows/use-cases/report-listing.ts';
import { eventually } from '../../support/temporal.ts';
import { startVolunteerHarness, type VolunteerHarness } from './harness.ts';

describe('volunteer use cases', () => {
  let h: VolunteerHarness;
  const delivered: OutcomeMessage[] = [];
  let failNextDelivery = 0;
  const enrol = (id: string, name = `user ${id}`) =>
    h.useCases.enrol({ channel: 'telegram', externalUserId: id, displayName: name, languageTag: 'en' });

  beforeAll(async () => {
    h = await startVolunteerHarness({
      useCases: { rateLimit: { capacity: 3, refillPerSecond: 0.001 } },
    });
    h.deliveries.telegram = async (m) => {
      if (failNextDelivery > 0) {
        failNextDelivery -= 1;
        throw new Error('injected delivery failure');
      }
      delivered.push(m);
      return 'sent';
    };
  });
  afterAll(async () => {
    await h?.close();
  });

  it('normalises links: case of the host, fragments and trailing slashes do not matter', () => {
    expect(normalizeListingUrl('HTTPS://Shop.Example/items/A1/#photos')?.toString()).toBe(
      'https://shop.example/items/A1',
    );
    expect(normalizeListingUrl('shop.example/items/A1')?.toString()).toBe('https://shop.example/items/A1');
    expect(normalizeListingUrl('javascript:alert(1)')).toBeUndefined();
    expect(normalizeListingUrl('ftp://shop.example/x')).toBeUndefined();
    expect(normalizeListingUrl('not a link')).toBeUndefined();
    expect(normalizeListingUrl('https://user:pw@shop.example/items/1')).toBeUndefined();
  });

  it('refuses invalid links and links from platforms we do not work with, storing nothing', async () => {
    const v = await enrol('100');
    expect(
      await h.useCases.reportListing({ volunteerId: v.id, url: 'hello', species: null, note: null }),
    ).toEqual({ kind: 'invalid_link' });
    expect(
      await h.useCases.reportListing({
        volunteerId: v.id,
        url: 'https://www.unknown-market.example/p/1',
        species: 'ivory',
        note: null,
      }),
    ).toEqual({ kind: 'unknown_platform', domain: 'unknown-market.example' });
    // shop.example's listings carry an id (/items/<id>): its home and search pages are not listings.
    for (const url of [
      'https://www.shop.example/',
      'shop.example/search?q=ivory',
      'https://shop.example/items/',
    ]) {
      expect(await h.useCases.reportListing({ volunteerId: v.id, url, species: null, note: null })).toEqual({
        kind: 'not_a_listing',
        domain: 'shop.example',
      });
    }
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM reports');
    expect(rows[0].n).toBe(0);
  });

  it('refuses unreadable text and undecodable link ids with an answer, storing nothing', async () => {
    const v = await enrol('101');
    const report = (fields: { url?: string; species?: string | null; note?: string | null }) =>
      h.useCases.reportListing({
        volunteerId: v.id,
        url: 'https://shop.example/items/N1',
        species: null,
        note: null,
        ...fields,
      });
    expect(await report({ note: 'call me\u0000' })).toEqual({ kind: 'invalid_text', field: 'note' });
    expect(await report({ species: 'ivory\ud800' })).toEqual({ kind: 'invalid_text', field: 'species' });
    expect(await report({ url: 'https://shop.example/items/%ZZ' })).toEqual({ kind: 'invalid_link' });
    expect(await report({ url: 'https://shop.example/items/a%00b' })).toEqual({ kind: 'invalid_link' });
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM reports');
    expect(rows[0].n).toBe(0);
  });

  let caseId: string;
  let alice: Volunteer;
  let bob: Volunteer;

  it('makes one case of the same link from two volunteers and records both reports', async () => {
    alice = await enrol('201', 'Alice');
    bob = await enrol('202', 'Bob');
    const a = await h.useCases.reportListing({
      volunteerId: alice.id,
      url: 'https://shop.example/items/IV-9',
      species: 'ivory',
      note: 'carved bangle',
    });
    const b = await h.useCases.reportListing({
      volunteerId: bob.id,
      url: 'https://WWW.shop.example/items/IV-9/#top',
      species: 'ivory',
      note: null,
    });
    expect(a.kind).toBe('recorded');
    expect(b.kind).toBe('recorded');
    if (a.kind !== 'recorded' || b.kind !== 'recorded') return;
    expect(b.caseId).toBe(a.caseId);
    caseId = a.caseId;

    const state = await eventually(async () => {
      const s = await h.temporal.workflow.getHandle(caseId).query(caseStateQuery);
      return s.reports.length === 2 ? s : undefined;
    }, 'both reports on the case');
    expect(state.reports.sort()).toEqual([a.reportId, b.reportId].sort());
    const cases = await h.db.pool.query('SELECT count(*)::int AS n FROM cases');
    expect(cases.rows[0].n).toBe(1);

    // Reporting again is answered, not stored twice.
    const again = await h.useCases.reportListing({
      volunteerId: alice.id,
      url: 'https://shop.example/items/IV-9',
      species: null,
      note: null,
    });
    expect(again).toEqual({ kind: 'duplicate', reportId: a.reportId, caseId });
  });

  it('recognises a platform by the host of listings it sent, and joins the listing’s own case', async () => {
    await createPlatform(h.db.pool, { id: 'market2', name: 'Market 2' });
    await upsertListing(h.db.pool, 'market2', {
      externalId: 'X55',
      url: 'https://market2.example/p/55',
      title: 'Carved horn',
      description: '',
      imageUrls: [],
    });
    const v = await enrol('250');
    const r = await h.useCases.reportListing({
      volunteerId: v.id,
      url: 'https://market2.example/p/55#desc',
      species: null,
      note: null,
    });
    expect(r).toMatchObject({ kind: 'recorded', caseId: caseIdFor('market2', 'X55') });
    const other = await h.useCases.recognizeLink('https://market2.example/p/56');
    expect(other).toMatchObject({ ok: true, platformId: 'market2', externalId: 'market2.example/p/56' });
    const { rows } = await h.db.pool.query("SELECT title FROM listings WHERE external_id = 'X55'");
    expect(rows).toEqual([{ title: 'Carved horn' }]);
  });

  it('lets leads see who reported', async () => {
    const reporters = await reportersOfCase(h.db.pool, caseId);
    expect(reporters.map((r) => r.reporter)).toEqual(['Alice', 'Bob']);
  });

  it('tells every reporter the outcome exactly once, even when the first delivery fails', async () => {
    failNextDelivery = 1;
    await h.decide(caseId, 'approve');
    // Each reporter hears the confirmation, then (the takedown done) the removal.
    await eventually(async () => (delivered.length >= 4 ? true : undefined), 'both reporters’ messages');
    // Give a wrongly repeated delivery time to show up.
    await new Promise((r) => setTimeout(r, 1500));
    expect(delivered.map((d) => [d.volunteer.externalUserId, d.outcome, d.caseId]).sort()).toEqual([
      ['201', 'confirmed', caseId],
      ['201', 'removed', caseId],
      ['202', 'confirmed', caseId],
      ['202', 'removed', caseId],
    ]);
    const { rows } = await h.db.pool.query(
      'SELECT outcome, notified_at IS NOT NULL AS told FROM reports WHERE case_id = $1',
      [caseId],
    );
    expect(rows).toEqual([
      { outcome: 'confirmed', told: true },
      { outcome: 'confirmed', told: true },
    ]);
    const stats = await h.useCases.stats(alice.id);
    expect(stats).toMatchObject({ reports: 1, confirmed: 1, rejected: 0, pending: 0, accuracy: 1 });
    expect(stats.position).toBe(1);
    // Alice and Bob each have one confirmed report: a tie for first place.
    expect(stats.tiedWith).toBe(1);
    expect((await h.useCases.stats(bob.id)).position).toBe(1);
  });

  it('answers a report of an already decided case at once, without signalling it', async () => {
    const carol = await enrol('203', 'Carol');
    const before = delivered.length;
    const r = await h.useCases.reportListing({
      volunteerId: carol.id,
      url: 'https://shop.example/items/IV-9',
      species: null,
      note: null,
    });
    expect(r).toMatchObject({ kind: 'already_decided', caseId, outcome: 'confirmed' });
    const state = await h.temporal.workflow.getHandle(caseId).query(caseStateQuery);
    expect(state.reports).toHaveLength(2);
    expect((await h.useCases.stats(carol.id)).confirmed).toBe(1);
    expect(delivered.length).toBe(before);
  });

  it('raises the priority of a case reported by a volunteer with a strong record', async () => {
    const expert = await enrol('300', 'Expert');
    const novice = await enrol('301', 'Novice');
    // Ten decided reports, all right: 100% accuracy over 10.
    for (let i = 0; i < 10; i += 1) {
      await h.db.pool.query(
        `INSERT INTO reports (volunteer_id, listing_url, outcome) VALUES ($1, $2, 'confirmed')`,
        [expert.id, `https://shop.example/items/old-${i}`],
      );
    }
    expect(levelFor(await h.useCases.stats(expert.id))).toBe('expert');
    const weak = await h.useCases.reportListing({
      volunteerId: novice.id,
      url: 'https://shop.example/items/P-1',
      species: 'pangolin',
      note: null,
    });
    const strong = await h.useCases.reportListing({
      volunteerId: expert.id,
      url: 'https://shop.example/items/P-2',
      species: 'pangolin',
      note: null,
    });
    expect(weak).toMatchObject({ kind: 'recorded', priorityRaised: false });
    expect(strong).toMatchObject({ kind: 'recorded', priorityRaised: true });
    if (weak.kind !== 'recorded' || strong.kind !== 'recorded') return;
    const { rows } = await h.db.pool.query('SELECT id, priority FROM cases WHERE id = ANY($1)', [
      [weak.caseId, strong.caseId],
    ]);
    const priority = Object.fromEntries(rows.map((r) => [r.id, r.priority]));
    expect(priority[weak.caseId]).toBe(2);
    expect(priority[strong.caseId]).toBe(1);
  });

  it('forgets a volunteer without breaking case history, and stops messaging them', async () => {
    const dave = await enrol('400', 'Dave');
    const r = await h.useCases.reportListing({
      volunteerId: dave.id,
      url: 'https://shop.example/items/T-1',
      species: 'tiger',
      note: 'my phone is +1 555 0100',
    });
    if (r.kind !== 'recorded') throw new Error(r.kind);
    expect(await h.useCases.forgetMe(dave.id)).toBe(true);
    expect(await h.useCases.forgetMe(dave.id)).toBe(false);

    const { rows } = await h.db.pool.query(
      'SELECT external_user_id, display_name, erased_at FROM volunteers WHERE id = $1',
      [dave.id],
    );
    expect(rows[0].external_user_id).toMatch(/^erased-[0-9a-f]{20}$/);
    expect(rows[0].display_name).toBeNull();
    expect(rows[0].erased_at).not.toBeNull();
    const reporters = await reportersOfCase(h.db.pool, r.caseId);
    expect(reporters).toEqual([
      expect.objectContaining({ erased: true, reporter: rows[0].external_user_id }),
    ]);
    // The same account coming back is a new volunteer, not linked to the old reports.
    const back = await enrol('400');
    expect(back.id).not.toBe(dave.id);

    const before = delivered.length;
    await h.decide(r.caseId, 'reject');
    await eventually(async () => {
      const { rows } = await h.db.pool.query('SELECT outcome FROM reports WHERE id = $1', [r.reportId]);
      return rows[0].outcome === 'rejected' ? true : undefined;
    }, 'the outcome');
    await new Promise((r) => setTimeout(r, 500));
    expect(delivered.length).toBe(before);
    const audit = await h.db.pool.query(
      "SELECT details FROM audit_log WHERE action = 'volunteer.erased' AND subject_id = $1",
      [dave.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(JSON.stringify(audit.rows[0].details)).not.toContain('400');
  });

  it('tells "more information needed" once and the final outcome after it once', async () => {
    const frank = await enrol('700', 'Frank');
    const r = await h.useCases.reportListing({
      volunteerId: frank.id,
      url: 'https://shop.example/items/MI-1',
      species: null,
      note: null,
    });
    if (r.kind !== 'recorded') throw new Error(r.kind);
    const told: string[] = [];
    let failOnce = true;
    const notifier = createVolunteerNotifier({
      pool: h.db.pool,
      deliveries: {
        telegram: async (m) => {
          if (m.outcome === 'confirmed' && failOnce) {
            failOnce = false;
            throw new Error('injected');
          }
          told.push(m.outcome);
          return 'sent';
        },
      },
    });
    const report = { reportId: r.reportId, volunteerId: frank.id, caseId: r.caseId };
    await notifier.notifyOutcome({ ...report, outcome: 'more_info' });
    await notifier.notifyOutcome({ ...report, outcome: 'more_info' });
    await expect(notifier.notifyOutcome({ ...report, outcome: 'confirmed' })).rejects.toThrow('injected');
    await notifier.notifyOutcome({ ...report, outcome: 'confirmed' });
    await notifier.notifyOutcome({ ...report, outcome: 'confirmed' });
    expect(told).toEqual(['more_info', 'confirmed']);
  });

  it('keeps conversation state, and forgets a conversation left alone for a day', async () => {
    const v = await enrol('800');
    await h.useCases.saveConversation(v.id, { step: 'link' });
    expect(await h.useCases.loadConversation(v.id)).toEqual({ step: 'link' });
    await h.db.pool.query(
      "UPDATE volunteer_conversations SET updated_at = now() - interval '25 hours' WHERE volunteer_id = $1",
      [v.id],
    );
    expect(await h.useCases.loadConversation(v.id)).toBeUndefined();
  });

  it('rate-limits each account on its own', async () => {
    const results: boolean[] = [];
    for (let i = 0; i < 5; i += 1) results.push(await h.useCases.allow('telegram', '500', 'message'));
    expect(results).toEqual([true, true, true, false, false]);
    expect(await h.useCases.allow('telegram', '501', 'message')).toBe(true);
    expect(await h.useCases.allow('discord', '500', 'message')).toBe(true);
  });

  it('scores quiz answers', async () => {
    const v = await enrol('600');
    expect(await h.useCases.answerQuiz(v.id, 'q1', 1)).toEqual({ correct: true });
    expect(await h.useCases.answerQuiz(v.id, 'q2', 0)).toEqual({ correct: false });
    expect(await h.useCases.answerQuiz(v.id, 'q2', 7)).toBeUndefined();
    expect(await h.useCases.answerQuiz(v.id, 'nope', 0)).toBeUndefined();
    expect(await h.useCases.quizScore(v.id)).toEqual({ answered: 2, correct: 1 });
  });
});
