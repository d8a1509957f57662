// Contact identifiers in listing text (phones, WhatsApp/WeChat/LINE/Zalo ids, emails, payment handles),
// normalised so the same identifier written two ways compares equal. Pure functions; nothing is stored.

export const CONTACT_KINDS = ['phone', 'wechat', 'line', 'zalo', 'email', 'payment', 'seller'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface Contact {
  kind: ContactKind;
  /** The normalised identifier (never shared: only its keyed hash leaves the deployment). */
  value: string;
}

/** Phone numbers compare on their last nine digits, so "+84 912 345 678" and "0912-345-678" match. */
export const PHONE_MATCH_DIGITS = 9;

export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return undefined;
  return digits.slice(-PHONE_MATCH_DIGITS);
}

export function normaliseEmail(raw: string): string | undefined {
  const m = /^([a-z0-9._%+-]+)@([a-z0-9.-]+\.[a-z]{2,})$/.exec(raw.trim().toLowerCase());
  if (!m) return undefined;
  let [, local, domain] = m as unknown as [string, string, string];
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\+.*$/, '').replace(/\./g, '');
  return `${local}@${domain}`;
}

const handle = (raw: string) => raw.trim().replace(/^@/, '').toLowerCase();

/** Normalises one identifier of a known kind (for identifiers a platform sends as fields). */
export function normaliseContact(kind: ContactKind, raw: string): string | undefined {
  switch (kind) {
    case 'phone':
      return normalisePhone(raw);
    case 'email':
      return normaliseEmail(raw);
    case 'payment':
    case 'seller':
      return raw.trim().toLowerCase() || undefined;
    default: {
      const h = handle(raw);
      return /^[a-z0-9._-]{3,40}$/.test(h) ? h : undefined;
    }
  }
}

// A phone number needs a cue (a leading + or 0, or a contact word before it) so prices and ids are not read
// as phone numbers.
const PHONE_CUE =
  /(?:phone|tel|call|text|sms|mobile|hp|sđt|sdt|đt|whatsapp|wa|viber|zalo|line|电话|電話|手机|手機|联系|聯繫|โทร)\D{0,8}$/iu;
const PHONE = /(\+?\d[\d\s().-]{6,20}\d)/gu;
const WA_LINK = /(?:wa\.me|api\.whatsapp\.com\/send\?phone=)\/?(\d{8,15})/giu;
const WECHAT = /(?:wechat|weixin|微信|v信|\bvx|\bwx)\s*(?:id|号|號)?\s*[:：]?\s*([a-z][a-z0-9_-]{5,19})\b/giu;
const LINE =
  /(?:\bline\s*(?:id)?\s*[:：]\s*@?([a-z0-9._-]{3,20})|\bline\s+id\s+@?([a-z0-9._-]{3,20})|line\.me\/ti\/p\/~?@?([a-z0-9._-]{3,20}))/giu;
const ZALO_LINK = /zalo\.me\/([a-z0-9._-]{3,40})/giu;
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/giu;
const PAYPAL = /paypal\.me\/([a-z0-9._-]{2,40})/giu;
const VENMO = /(?:venmo\.com\/(?:u\/)?|venmo\s*[:：]?\s*@)([a-z0-9_-]{2,40})/giu;
const CASHTAG = /(?:^|[\s(:])\$([a-z][a-z0-9_]{1,19})\b/giu;

export function extractContacts(text: string): Contact[] {
  const found = new Map<string, Contact>();
  const add = (kind: ContactKind, value: string | undefined) => {
    if (value) found.set(`${kind}\u0000${value}`, { kind, value });
  };
  for (const m of text.matchAll(PHONE)) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 16), m.index ?? 0);
    const cued = m[1]!.startsWith('+') || m[1]!.startsWith('0') || PHONE_CUE.test(before);
    if (cued) add('phone', normalisePhone(m[1]!));
  }
  for (const m of text.matchAll(WA_LINK)) add('phone', normalisePhone(m[1]!));
  for (const m of text.matchAll(WECHAT)) add('wechat', normaliseContact('wechat', m[1]!));
  for (const m of text.matchAll(LINE)) add('line', normaliseContact('line', (m[1] ?? m[2] ?? m[3])!));
  for (const m of text.matchAll(ZALO_LINK)) {
    const id = m[1]!;
    if (/^\d+$/.test(id)) add('phone', normalisePhone(id));
    else add('zalo', normaliseContact('zalo', id));
  }
  for (const m of text.matchAll(EMAIL)) add('email', normaliseEmail(m[0]));
  for (const m of text.matchAll(PAYPAL)) add('payment', `paypal:${m[1]!.toLowerCase()}`);
  for (const m of text.matchAll(VENMO)) add('payment', `venmo:${m[1]!.toLowerCase()}`);
  for (const m of text.matchAll(CASHTAG)) add('payment', `cashapp:${m[1]!.toLowerCase()}`);
  return [...found.values()];
}

/** The contacts of a listing: its text, plus its seller account on its platform. */
export function listingContacts(listing: {
  platformId: string;
  title: string;
  description?: string | null;
  sellerId?: string | null;
}): Contact[] {
  const contacts = extractContacts(`${listing.title}\n${listing.description ?? ''}`);
  if (listing.sellerId)
    contacts.push({
      kind: 'seller',
      value: `${listing.platformId}:${listing.sellerId.trim().toLowerCase()}`,
    });
  return contacts;
}
