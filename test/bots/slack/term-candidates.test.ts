// The candidate term card and its modal: listing text on the card is inert (no mentions, links or formatting),
// the buttons follow the candidate's state, and the accept modal carries the candidate and validates its form.
import { describe, expect, it } from 'vitest';
import { acceptModal, candidateCard } from '../../../bots/slack/term-candidates.ts';
import type { StoredProposal } from '../../../shared/db/keyword-proposals.ts';
import type { TermCandidate } from '../../../shared/db/term-candidates.ts';
import { acceptFormSchema } from '../../../workflows/terms/curation.ts';
import { buttonIds, mrkdwnTexts } from '../../e2e/support/review-system.ts';

const HOSTILE = '<!channel> <@U999> <https://evil.example|click> *bold*';

const candidate = (over: Partial<TermCandidate> = {}): TermCandidate => ({
  id: '12',
  runKey: 'week-2026-12-07',
  language: 'en',
  term: 'snowbone',
  normalized: 'snowbone',
  form: 'ngram',
  score: 23.456,
  positives: 6,
  missed: 2,
  negatives: 1,
  positiveDocs: 6,
  negativeDocs: 44,
  examples: [{ listingId: '1', title: `Snowbone bangle ${HOSTILE}` }],
  reportIds: ['3'],
  status: 'new',
  slackChannel: 'C1',
  slackTs: '1.2',
  decidedBy: null,
  createdAt: new Date(),
  origin: null,
  ...over,
});

const proposal = (over: Partial<StoredProposal> = {}): StoredProposal => ({
  id: '5',
  term: 'snowbone',
  language: 'en',
  kind: 'code',
  species: 'african-elephant',
  strength: 'strong',
  candidateId: '12',
  proposedBy: 'U1',
  source: 'mined',
  status: 'pending',
  decidedBy: null,
  libraryVersion: null,
  slackChannel: 'C1',
  slackTs: '1.2',
  ...over,
});

describe('candidateCard', () => {
  it('shows counts, estimated precision and examples, with listing text made inert', () => {
    const card = candidateCard({ candidate: candidate() });
    const texts = mrkdwnTexts(card.blocks).join('\n');
    expect(texts).toContain(
      'In 6 of 6 confirmed or missed listings (2 from volunteer reports the engine missed)',
    );
    expect(texts).toContain('in 1 of 44 rejected or allowed listings. Estimated precision 86%, G² 23.5');
    expect(texts).not.toContain('<!channel>');
    expect(texts).not.toContain('<@U999>');
    expect(texts).not.toContain('<https://');
    expect(texts).not.toContain('*bold*');
    expect(buttonIds(card as unknown as Record<string, unknown>)).toEqual([
      'term_candidate_accept',
      'term_candidate_dismiss',
    ]);
  });

  it('says where a shared candidate came from, and whose counts it shows', () => {
    const shared = candidate({ origin: 'shared by deploy-a', examples: [], reportIds: [] });
    const texts = mrkdwnTexts(candidateCard({ candidate: shared }).blocks).join('\n');
    expect(texts).toContain("shared by deploy-a: the counts are from that deployment's reviews.");
    expect(mrkdwnTexts(candidateCard({ candidate: candidate() }).blocks).join('\n')).not.toContain(
      'shared by',
    );
  });

  it('a hostile term stays inert too', () => {
    const texts = mrkdwnTexts(candidateCard({ candidate: candidate({ term: HOSTILE }) }).blocks).join('\n');
    expect(texts).not.toContain('<!channel>');
  });

  it('follows the state: awaiting a lead, adopted, rejected, dismissed', () => {
    const ids = (s: Parameters<typeof candidateCard>[0]) =>
      buttonIds(candidateCard(s) as unknown as Record<string, unknown>);
    const accepted = candidate({ status: 'accepted', decidedBy: 'U1' });
    expect(ids({ candidate: accepted, proposal: proposal() })).toEqual([
      'term_proposal_approve',
      'term_proposal_reject',
    ]);
    const adopted = candidateCard({
      candidate: accepted,
      proposal: proposal({ status: 'accepted', decidedBy: 'UL1', libraryVersion: '1.0.4' }),
    });
    expect(buttonIds(adopted as unknown as Record<string, unknown>)).toEqual([]);
    expect(mrkdwnTexts(adopted.blocks).join()).toContain(
      'Adopted: library version 1.0.4, approved by <@UL1> (accepted by <@U1>)',
    );
    expect(
      mrkdwnTexts(
        candidateCard({ candidate: accepted, proposal: proposal({ status: 'rejected', decidedBy: 'UL1' }) })
          .blocks,
      ).join(),
    ).toContain('Rejected by <@UL1>');
    const dismissed = candidateCard({ candidate: candidate({ status: 'dismissed', decidedBy: 'U2' }) });
    expect(buttonIds(dismissed as unknown as Record<string, unknown>)).toEqual([]);
    expect(mrkdwnTexts(dismissed.blocks).join()).toContain('Dismissed by <@U2>');
  });
});

describe('acceptModal', () => {
  it('carries the candidate and its channel, and prefills a known language', () => {
    const view = acceptModal({ id: '12', term: 'snowbone', language: 'en' }, 'C1');
    expect(JSON.parse(String(view.private_metadata))).toEqual({ candidateId: '12', channel: 'C1' });
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"en"');
    expect(JSON.stringify(acceptModal({ id: '12', term: 'x', language: 'und' }).blocks)).not.toContain(
      'initial_value',
    );
  });

  it('validates the form: kinds, species keys, strengths and language tags', () => {
    expect(acceptFormSchema.safeParse({ kind: 'code', strength: 'weak', language: 'zh-Hant' }).success).toBe(
      true,
    );
    expect(acceptFormSchema.safeParse({ kind: 'code', strength: 'weak', language: 'English' }).success).toBe(
      false,
    );
    expect(acceptFormSchema.safeParse({ kind: 'spell', strength: 'weak', language: 'en' }).success).toBe(
      false,
    );
    expect(
      acceptFormSchema.safeParse({ kind: 'code', strength: 'weak', language: 'en', species: 'Elephant!' })
        .success,
    ).toBe(false);
  });
});
