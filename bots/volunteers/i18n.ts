// Localisation for the volunteer bots: one message catalogue (messages.ts), rendered for a platform's
// markup. Templates are trusted text with {placeholders} and **bold** spans; every value put into a
// placeholder is escaped by the platform's escaper, so user text (notes, links) can never become markup.
import { catalogue, type MessageKey } from './messages.ts';

export const LOCALES = ['en', 'fr', 'es', 'pt', 'zh', 'vi', 'id', 'th'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's own name, for the language picker. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  pt: 'Português',
  zh: '中文',
  vi: 'Tiếng Việt',
  id: 'Bahasa Indonesia',
  th: 'ไทย',
};

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** Maps a client's language tag (Telegram "pt-br", Discord "zh-CN", "es-419") to a supported locale. */
export function localeFrom(tag: string | null | undefined): Locale {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === 'in') return 'id';
  return isLocale(primary) ? primary : 'en';
}

export interface Markup {
  escape(text: string): string;
  bold(escaped: string): string;
}

export const plainMarkup: Markup = { escape: (s) => s, bold: (s) => s };

export type Vars = Record<string, string | number>;

export function render(template: string, vars: Vars, markup: Markup): string {
  return template
    .split(/(\*\*[^*]+\*\*)/g)
    .map((part) => {
      const bold = part.startsWith('**') && part.endsWith('**') && part.length > 4;
      const inner = bold ? part.slice(2, -2) : part;
      const filled = inner
        .split(/(\{[a-zA-Z]+\})/g)
        .map((piece) => {
          const name = /^\{([a-zA-Z]+)\}$/.exec(piece)?.[1];
          if (name !== undefined && name in vars) return markup.escape(String(vars[name]));
          return markup.escape(piece);
        })
        .join('');
      return bold ? markup.bold(filled) : filled;
    })
    .join('');
}

export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translator(locale: string, markup: Markup = plainMarkup): Translate {
  const messages = catalogue[isLocale(locale) ? locale : 'en'];
  return (key, vars = {}) => render(messages[key] ?? catalogue.en[key], vars, markup);
}

export function formatPercent(locale: Locale, value: number | null): string {
  if (value === null) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

export type { MessageKey };
