import { describe, expect, it } from 'vitest';
import { WILDLIFE_DAYS } from '../../../shared/campaigns/calendar.ts';
import {
  audienceKey,
  campaignContentSchema,
  isApproved,
  variantFor,
} from '../../../shared/campaigns/model.ts';
import {
  defaultVariants,
  REPORT_URL,
  TEMPLATE_LANGUAGES,
  templateFor,
} from '../../../shared/campaigns/templates.ts';
import { localDate, localTime, zonedTimeToEpochMs } from '../../../shared/campaigns/time.ts';

const content = {
  dayId: 'world-pangolin-day',
  name: 'Pangolin Day 2026',
  audiences: [
    { platform: 'slack', target: 'C0COMMS', timeZone: 'Europe/London', language: 'en' },
    { platform: 'discord', target: '123456789012345678', timeZone: 'America/Sao_Paulo', language: 'pt-BR' },
    { platform: 'telegram', target: '-1001234567890', timeZone: 'Asia/Jakarta', language: 'id' },
  ],
  variants: { en: { text: 'Hello' }, pt: { text: 'Olá' }, id: { text: 'Halo' } },
};

describe('campaign content schema', () => {
  it('accepts a valid campaign and defaults the send time to 09:00', () => {
    const parsed = campaignContentSchema.parse(content);
    expect(parsed.sendTime).toBe('09:00');
    expect(variantFor(parsed, 'pt-BR')?.text).toBe('Olá');
  });

  it('rejects unknown days, bad time zones, bad targets and audiences without a message in their language', () => {
    const result = campaignContentSchema.safeParse({
      ...content,
      dayId: 'world-whale-day',
      audiences: [
        { platform: 'slack', target: '#general', timeZone: 'Mars/Olympus', language: 'en' },
        { platform: 'telegram', target: 'not a chat', timeZone: 'UTC', language: 'vi' },
        {
          platform: 'discord',
          target: '123456789012345678',
          timeZone: 'UTC',
          language: 'en',
          sendTime: '25:00',
        },
      ],
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'dayId: unknown wildlife day',
        expect.stringMatching(/^audiences\.0\.target: slack target must be/),
        'audiences.0.timeZone: must be an IANA time zone such as Europe/London',
        expect.stringMatching(/^audiences\.1\.target: telegram target must be/),
        expect.stringMatching(/^audiences\.2\.sendTime:/),
      ]),
    );
  });

  it('rejects duplicate audiences and a missing language variant', () => {
    const result = campaignContentSchema.safeParse({
      ...content,
      audiences: [content.audiences[0], content.audiences[0], { ...content.audiences[2], language: 'vi' }],
    });
    const messages = result.error!.issues.map((i) => i.message);
    expect(messages).toContain('duplicate audience slack:C0COMMS');
    expect(messages).toContain('no message written in "vi" for telegram:-1001234567890');
  });

  it('knows an approval covers one revision only', () => {
    expect(isApproved({ revision: 2, approvedRevision: 2 })).toBe(true);
    expect(isApproved({ revision: 3, approvedRevision: 2 })).toBe(false);
    expect(isApproved({ revision: 1, approvedRevision: null })).toBe(false);
    expect(audienceKey({ platform: 'telegram', target: '@wildlife' })).toBe('telegram:@wildlife');
  });
});

describe('time zones', () => {
  it('turns local send times into UTC instants, across DST', () => {
    expect(new Date(zonedTimeToEpochMs('2026-02-21', '09:00', 'Europe/London')).toISOString()).toBe(
      '2026-02-21T09:00:00.000Z',
    );
    expect(new Date(zonedTimeToEpochMs('2026-08-12', '09:00', 'Europe/London')).toISOString()).toBe(
      '2026-08-12T08:00:00.000Z',
    );
    expect(new Date(zonedTimeToEpochMs('2026-08-12', '09:00:30', 'Asia/Jakarta')).toISOString()).toBe(
      '2026-08-12T02:00:30.000Z',
    );
    expect(new Date(zonedTimeToEpochMs('2026-07-29', '09:00', 'America/Los_Angeles')).toISOString()).toBe(
      '2026-07-29T16:00:00.000Z',
    );
    expect(new Date(zonedTimeToEpochMs('2026-03-03', '09:00', 'Asia/Kolkata')).toISOString()).toBe(
      '2026-03-03T03:30:00.000Z',
    );
    // 02:30 does not exist in New York on 8 March 2026 (clocks jump 02:00 -> 03:00)
    expect(new Date(zonedTimeToEpochMs('2026-03-08', '02:30', 'America/New_York')).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 happens twice in New York on 1 November 2026: the first one (EDT)
    expect(new Date(zonedTimeToEpochMs('2026-11-01', '01:30', 'America/New_York')).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('reads the local date and time back', () => {
    const at = Date.parse('2026-02-20T23:30:00Z');
    expect(localDate(at, 'UTC')).toBe('2026-02-20');
    expect(localDate(at, 'Asia/Tokyo')).toBe('2026-02-21');
    expect(localTime(at, 'Asia/Tokyo')).toBe('08:30:00');
  });
});

describe('template library', () => {
  it('has a dedicated message for the main days in every template language, with the report link', () => {
    for (const dayId of ['world-pangolin-day', 'world-elephant-day', 'global-tiger-day', 'world-rhino-day']) {
      const texts = new Set<string>();
      for (const lang of TEMPLATE_LANGUAGES) {
        const t = templateFor(dayId, lang)!;
        expect(t.text).toContain(REPORT_URL);
        expect(t.text).not.toMatch(/\{\w+\}/);
        texts.add(t.text);
      }
      expect(texts.size).toBe(TEMPLATE_LANGUAGES.length);
    }
    expect(templateFor('world-pangolin-day', 'fr')!.text).toMatch(/pangolin/);
    expect(templateFor('world-pangolin-day', 'zh')!.text).toMatch(/穿山甲/);
    expect(templateFor('world-pangolin-day', 'pt-BR')!.text).toMatch(/Pangolim/);
  });

  it('falls back to a generic message naming the day, and never to English for a language it lacks', () => {
    expect(templateFor('world-gorilla-day', 'es')!.text).toMatch(/^Hoy es World Gorilla Day\./);
    expect(templateFor('world-elephant-day', 'sw')).toBeUndefined();
    expect(defaultVariants('world-elephant-day', ['en', 'sw'])).toEqual({
      en: templateFor('world-elephant-day', 'en'),
    });
    expect(templateFor('no-such-day', 'en')).toBeUndefined();
  });

  it('gives valid default variants for every day and language', () => {
    for (const d of WILDLIFE_DAYS) {
      const variants = defaultVariants(d.id, [...TEMPLATE_LANGUAGES]);
      const parsed = campaignContentSchema.safeParse({
        dayId: d.id,
        name: d.name,
        audiences: TEMPLATE_LANGUAGES.map((language, i) => ({
          platform: 'slack',
          target: `C0LANG${i}`,
          timeZone: 'UTC',
          language,
        })),
        variants,
      });
      expect(parsed.success, `${d.id}: ${parsed.error?.message}`).toBe(true);
    }
  });
});
