// The message catalogue: every language fills the same placeholders as English, values are escaped for
// each platform's markup while the templates' own bold survives, and client language tags map to locales.
import { describe, expect, it } from 'vitest';
import { discordTranslator } from '../../../bots/discord/markup.ts';
import { telegramTranslator } from '../../../bots/telegram/markup.ts';
import { LOCALES, localeFrom, translator } from '../../../bots/volunteers/i18n.ts';
import { catalogue } from '../../../bots/volunteers/messages.ts';

const placeholders = (template: string) => [...template.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]).sort();
const boldSpans = (template: string) => (template.match(/\*\*[^*]+\*\*/g) ?? []).length;

describe('volunteer bot messages', () => {
  it('has all eight languages with the same placeholders and bold spans as English', () => {
    expect([...LOCALES].sort()).toEqual(['en', 'es', 'fr', 'id', 'pt', 'th', 'vi', 'zh']);
    for (const locale of LOCALES) {
      for (const [key, english] of Object.entries(catalogue.en)) {
        const translated = catalogue[locale][key as keyof typeof catalogue.en];
        expect(translated, `${locale}.${key}`).toBeTruthy();
        expect(placeholders(translated), `${locale}.${key}`).toEqual(placeholders(english));
        expect(boldSpans(translated), `${locale}.${key}`).toBe(boldSpans(english));
      }
    }
  });

  it('keeps button and modal labels within the platforms’ limits', () => {
    for (const locale of LOCALES) {
      const m = catalogue[locale];
      for (const key of ['field_link', 'field_species', 'field_note'] as const)
        expect(m[key].length).toBeLessThanOrEqual(45);
      for (const key of [
        'btn_agree',
        'btn_send',
        'btn_cancel',
        'btn_skip',
        'btn_done',
        'btn_forget',
      ] as const)
        expect(m[key].length).toBeLessThanOrEqual(64);
    }
  });

  it('escapes values for Telegram HTML but keeps the template’s bold', () => {
    const t = telegramTranslator('en');
    const text = t('report_duplicate', { caseRef: '<b>x</b> & "y"' });
    expect(text).toBe('You already reported this listing (case &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;).');
    expect(t('report_recorded', { caseRef: 'case-1' })).toContain('<b>case-1</b>');
    // A value that looks like the catalogue's bold marker stays literal.
    expect(t('unknown_platform', { domain: '**x**' })).toContain('We do not work with **x** yet');
  });

  it('escapes values for Discord markdown and mentions', () => {
    const t = discordTranslator('en');
    const text = t('unknown_platform', { domain: '@everyone *x*' });
    expect(text).toContain('@\u200beveryone \\*x\\*');
    expect(t('report_recorded', { caseRef: 'abc' })).toContain('**abc**');
  });

  it('maps client language tags to supported locales, English otherwise', () => {
    expect(localeFrom('pt-br')).toBe('pt');
    expect(localeFrom('zh-CN')).toBe('zh');
    expect(localeFrom('zh-hans')).toBe('zh');
    expect(localeFrom('es-419')).toBe('es');
    expect(localeFrom('in')).toBe('id');
    expect(localeFrom('de')).toBe('en');
    expect(localeFrom(undefined)).toBe('en');
    expect(translator('xx')('language_set')).toBe('Language set to English.');
  });
});
