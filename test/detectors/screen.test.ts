// The fast path: text detector, then the policy engine; every flagged decision names its clause and evidence.
import { describe, expect, it } from 'vitest';
import { BASE_POLICY_INPUT } from '../../detectors/policy/framework.ts';
import { policySchema } from '../../detectors/policy/schema.ts';
import { screenListing } from '../../detectors/screen.ts';
import { listingInputSchema } from '../../shared/listing.ts';

const listing = (title: string, description = '') =>
  listingInputSchema.parse({ externalId: 'x1', title, description });

describe('screenListing', () => {
  it('allows a listing without wildlife signals, with an explanation', () => {
    const d = screenListing(listing('Blue cotton summer dress', 'Size M, worn once'), { platformId: 'shop' });
    expect(d).toMatchObject({ verdict: 'allow', clause: null, species: [], policyVersion: '1.0.0' });
    expect(d.explanation).toBe('No wildlife-trade signal found.');
  });

  it('flags an ivory carving with the clause and the keyword evidence it rests on', () => {
    const d = screenListing(listing('Hand carved ivory figurine'), { platformId: 'shop' });
    expect(d.verdict).not.toBe('allow');
    expect(d.clause).not.toBeNull();
    expect(d.evidence.some((e) => e.detector === 'keywords' && e.field === 'title')).toBe(true);
    expect(d.explanation.length).toBeGreaterThan(10);
    expect(d.platformId).toBe('shop');
  });

  it("still rejects other detectors' malformed signals, while the text engine's own are trusted", () => {
    const bad = { detector: 'pdq', kind: 'image-match' as const, strength: 1.5 };
    expect(() =>
      screenListing(listing('Hand carved ivory figurine'), { platformId: 'shop', signals: [bad] }),
    ).toThrow(/strength|1/);
  });

  it('never blocks on its own unless the platform consents', () => {
    const image = {
      detector: 'pdq',
      kind: 'image-match' as const,
      strength: 0.97,
      species: 'pangolin',
      product: 'scale' as const,
    };
    const d = screenListing(listing('Traditional medicine ingredient'), {
      platformId: 'shop',
      signals: [image],
    });
    expect(d).toMatchObject({ verdict: 'review', clause: 'cites-appendix-i', prescribed: 'block' });
    const policy = policySchema.parse({
      ...BASE_POLICY_INPUT,
      platforms: { shop: { autoBlock: { enabled: true, minConfidence: 0.9 } } },
    });
    const blocked = screenListing(
      listing('Traditional medicine ingredient'),
      { platformId: 'shop', signals: [image] },
      policy,
    );
    expect(blocked).toMatchObject({ verdict: 'block', clause: 'cites-appendix-i', species: ['pangolin'] });
    expect(blocked.evidence).toContainEqual(image);
  });
});
