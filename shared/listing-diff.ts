// What changed between two versions of a listing, short enough for a review card and an audit entry.
// Long text is cut to the part that differs, with a little context, so a one-word edit in a long
// description is visible at a glance.

/** The parts of a listing version a reviewer compares. */
export interface VersionContent {
  title: string;
  description: string;
  price: number | null;
  currency: string | null;
  url?: string | null;
  sellerId?: string | null;
  imageUrls?: readonly string[];
}

export type ChangedField = 'title' | 'description' | 'price' | 'url' | 'seller' | 'photos';

export interface FieldChange {
  field: ChangedField;
  before: string;
  after: string;
}

const CONTEXT = 20;

/** The differing middle of two strings with some context; "…" marks what was cut. */
export function changedExcerpt(before: string, after: string, max = 160): { before: string; after: string } {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  const cut = (s: string) => {
    const start = Math.max(0, prefix - CONTEXT);
    const end = Math.min(s.length, s.length - suffix + CONTEXT);
    let out = s.slice(start, end);
    if (out.length > max) out = `${out.slice(0, max - 1)}…`;
    else if (end < s.length) out = `${out}…`;
    return start > 0 ? `…${out}` : out;
  };
  return { before: cut(before), after: cut(after) };
}

const priceText = (v: VersionContent) =>
  v.price === null ? 'not given' : `${v.price} ${v.currency ?? ''}`.trim();

/** The fields that differ, in the order a reviewer reads a listing; empty when nothing shown differs. */
export function listingChanges(before: VersionContent, after: VersionContent): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.title !== after.title)
    changes.push({ field: 'title', ...changedExcerpt(before.title, after.title) });
  if (before.description !== after.description)
    changes.push({ field: 'description', ...changedExcerpt(before.description, after.description) });
  if (priceText(before) !== priceText(after))
    changes.push({ field: 'price', before: priceText(before), after: priceText(after) });
  if ((before.url ?? null) !== (after.url ?? null))
    changes.push({ field: 'url', before: before.url ?? 'none', after: after.url ?? 'none' });
  if ((before.sellerId ?? null) !== (after.sellerId ?? null))
    changes.push({
      field: 'seller',
      before: before.sellerId ?? 'unknown',
      after: after.sellerId ?? 'unknown',
    });
  const photos = (v: VersionContent) => (v.imageUrls ?? []).join('\n');
  if (photos(before) !== photos(after))
    changes.push({
      field: 'photos',
      before: `${before.imageUrls?.length ?? 0} photo(s)`,
      after: `${after.imageUrls?.length ?? 0} photo(s)${
        (before.imageUrls?.length ?? 0) === (after.imageUrls?.length ?? 0) ? ', replaced' : ''
      }`,
    });
  return changes;
}
