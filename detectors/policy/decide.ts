// The decision function: detector signals + a platform's policy -> allow | review | block, with the clause,
// a confidence, the evidence it rests on and an explanation. Pure and synchronous.
import { z } from 'zod';
import { type Verdict, verdictRank } from '../../shared/listing.ts';
import type { Exemption } from '../../shared/screening.ts';
import { BASE_POLICY } from './framework.ts';
import { type ExplanationParams, type LimitReason, type MessageKey, renderExplanation } from './messages.ts';
import type { Clause, PlatformPolicy, Policy, Signal, Species } from './schema.ts';
import { signalSchema } from './schema.ts';
import { indexSpecies, type SpeciesIndex } from './species-index.ts';

export interface DecisionInput {
  signals: readonly Signal[];
  platformId: string;
  /** The seller is a vendor the platform has verified (shop, shelter, licensed breeder). */
  verifiedVendor?: boolean;
  locale?: string;
}

export interface ClauseMatch {
  clause: string;
  prescribed: 'review' | 'block';
  confidence: number;
  limits: LimitReason[];
  exempt: boolean;
}

export interface PolicyDecision {
  verdict: Verdict;
  /** The clause the decision rests on; for an allow, the clause an exemption cleared, or null. */
  clause: string | null;
  clauseTitle: string | null;
  /** What the clause prescribes before seller claims and the platform's auto-block gate. */
  prescribed: Verdict;
  confidence: number;
  score: number;
  explanation: string;
  explanationKey: MessageKey;
  explanationParams: ExplanationParams;
  /** Why the verdict is below what the clause prescribes. */
  limits: LimitReason[];
  exemption: Exemption;
  species: string[];
  evidence: Signal[];
  matches: ClauseMatch[];
  policyVersion: string;
  platformId: string;
}

const TRADE_KINDS = new Set(['product', 'code-word', 'image-match', 'live']);
const WILDLIFE_KINDS = new Set(['species', 'product', 'code-word', 'image-match', 'live', 'model-flag']);
const CONTESTING_KINDS = new Set(['authenticity', 'image-match', 'code-word']);
/** Signals a lookalike cannot explain away: they do not rest on a word. */
const SPANLESS_KINDS = new Set(['image-match']);

export const signalsSchema = z.array(signalSchema).max(1000);

// Policies are immutable once parsed: their species index is built once, not on every listing.
const indexes = new WeakMap<Policy, SpeciesIndex>();
function speciesIndexOf(policy: Policy): SpeciesIndex {
  let index = indexes.get(policy);
  if (!index) {
    index = indexSpecies(policy.species);
    indexes.set(policy, index);
  }
  return index;
}

/** The platform's policy, falling back to the defaults. */
export function platformPolicy(policy: Policy, platformId: string): PlatformPolicy {
  return policy.platforms[platformId] ?? policy.defaults;
}

/** The platform's clauses: base plus additions, with its overrides applied and disabled ones removed. */
export function effectiveClauses(policy: Policy, platform: PlatformPolicy): Clause[] {
  const out: Clause[] = [];
  for (const base of [...policy.clauses, ...platform.additionalClauses]) {
    const o = platform.overrides[base.id];
    if (o?.enabled === false) continue;
    out.push(
      o
        ? {
            ...base,
            verdict: o.verdict ?? base.verdict,
            rule: o.rule ?? base.rule,
            exemptions: { ...base.exemptions, ...o.exemptions },
          }
        : base,
    );
  }
  return out;
}

const noisyOr = (signals: readonly Signal[]) => 1 - signals.reduce((p, s) => p * (1 - s.strength), 1);
const round = (n: number) => Math.round(n * 1000) / 1000;

function overlaps(a: Signal, b: Signal): boolean {
  if (a.field === undefined || a.field !== b.field) return false;
  if (a.start === undefined || a.end === undefined || b.start === undefined || b.end === undefined)
    return false;
  return a.start < b.end && b.start < a.end;
}

/** Splits signals into those that count and those a lookalike explains away or that are too weak. */
function partition(signals: readonly Signal[], minStrength: number) {
  const lookalikes = signals.filter((s) => s.kind === 'lookalike' && s.strength >= minStrength);
  const active: Signal[] = [];
  const discounted: Signal[] = [];
  for (const s of signals) {
    if (s.kind === 'lookalike') continue;
    const explained =
      !SPANLESS_KINDS.has(s.kind) &&
      lookalikes.some(
        (l) =>
          overlaps(l, s) ||
          (l.start === undefined &&
            l.species !== undefined &&
            l.species === s.species &&
            s.kind === 'species'),
      );
    (explained || s.strength < minStrength ? discounted : active).push(s);
  }
  return { active, discounted, lookalikes };
}

interface TradedSpecies {
  key: string;
  name: string;
  entry: Species | undefined;
  signals: Signal[];
  live: boolean;
}

function tradedSpecies(active: readonly Signal[], lookup: (n: string) => Species | undefined) {
  const loose = active.filter((s) => s.species === undefined && (s.kind === 'product' || s.kind === 'live'));
  const bySpecies = new Map<string, TradedSpecies>();
  for (const s of active) {
    if (s.species === undefined || !WILDLIFE_KINDS.has(s.kind)) continue;
    const entry = lookup(s.species);
    const key = entry?.id ?? `unknown:${s.species.toLowerCase()}`;
    const t = bySpecies.get(key) ?? { key, name: entry?.id ?? s.species, entry, signals: [], live: false };
    t.signals.push(s);
    if (s.kind === 'live') t.live = true;
    bySpecies.set(key, t);
  }
  const traded: TradedSpecies[] = [];
  const mentioned: TradedSpecies[] = [];
  for (const t of bySpecies.values()) {
    const ownTrade = t.signals.some((s) => TRADE_KINDS.has(s.kind));
    if (ownTrade || loose.length > 0) {
      if (loose.some((s) => s.kind === 'live')) t.live = true;
      t.signals.push(...loose);
      traded.push(t);
    } else mentioned.push(t);
  }
  return { traded, mentioned, loose };
}

interface RawMatch {
  clause: Clause;
  signals: Signal[];
  species: string[];
}

/** The clause matches the traded species that `pick` keeps, if any. */
function fromSpecies(
  clause: Clause,
  traded: readonly TradedSpecies[],
  pick: (t: TradedSpecies) => boolean,
): RawMatch | undefined {
  const hit = traded.filter((t) => t.entry !== undefined && pick(t));
  if (hit.length === 0) return undefined;
  return { clause, signals: hit.flatMap((t) => t.signals), species: hit.map((t) => t.name) };
}

function matchClause(
  clause: Clause,
  active: readonly Signal[],
  traded: readonly TradedSpecies[],
  verifiedVendor: boolean,
): RawMatch | undefined {
  const rule = clause.rule;
  switch (rule.type) {
    case 'cites':
      return fromSpecies(
        clause,
        traded,
        (t) => t.entry!.appendix !== null && rule.appendices.includes(t.entry!.appendix),
      );
    case 'species-group':
      return fromSpecies(
        clause,
        traded,
        (t) => rule.groups.includes(t.entry!.group) || rule.species.includes(t.entry!.id),
      );
    case 'species':
      return fromSpecies(clause, traded, (t) => rule.species.includes(t.entry!.id));
    case 'product-form': {
      const signals = active.filter(
        (s) => s.product !== undefined && rule.forms.includes(s.product) && TRADE_KINDS.has(s.kind),
      );
      if (signals.length === 0) return undefined;
      const species = [...new Set(signals.flatMap((s) => (s.species ? [s.species] : [])))];
      return { clause, signals, species };
    }
    case 'live-animals': {
      const live = active.filter((s) => s.kind === 'live');
      if (live.length === 0) return undefined;
      if (rule.scope === 'wild-species') return fromSpecies(clause, traded, (t) => t.live);
      if (rule.scope === 'all-unless-verified-vendor' && verifiedVendor) return undefined;
      const withSpecies = traded.filter((t) => t.live);
      return {
        clause,
        signals: [...new Set([...live, ...withSpecies.flatMap((t) => t.signals)])],
        species: withSpecies.map((t) => t.name),
      };
    }
    case 'unresolved':
      return undefined; // decided after every other clause
  }
}

// A platform's effective clauses, per policy (immutable) and platform: built once, not on every listing.
const clauseCache = new WeakMap<Policy, Map<string, Clause[]>>();
function clausesFor(policy: Policy, platformId: string, platform: PlatformPolicy): Clause[] {
  let byPlatform = clauseCache.get(policy);
  if (!byPlatform) {
    byPlatform = new Map();
    clauseCache.set(policy, byPlatform);
  }
  let clauses = byPlatform.get(platformId);
  if (!clauses) {
    clauses = effectiveClauses(policy, platform);
    byPlatform.set(platformId, clauses);
  }
  return clauses;
}

/** An allow on which no clause bears: nothing counted (or nothing was seen, most listings). */
function noSignal(
  policy: Policy,
  input: DecisionInput,
  signals: readonly Signal[],
  score: number,
): PolicyDecision {
  return {
    matches: [],
    policyVersion: policy.version,
    platformId: input.platformId,
    score,
    verdict: 'allow',
    clause: null,
    clauseTitle: null,
    prescribed: 'allow',
    confidence: round(1 - score),
    explanation: renderExplanation('no-signal', {}, [], input.locale),
    explanationKey: 'no-signal',
    explanationParams: {},
    limits: [],
    exemption: null,
    species: [],
    // What was seen (weak or explained-away signals, lookalikes) is kept for the record.
    evidence: [...signals],
  };
}

/** Decides one listing under one platform's policy. */
export function decide(input: DecisionInput, policy: Policy = BASE_POLICY): PolicyDecision {
  return decideValidated({ ...input, signals: signalsSchema.parse(input.signals) }, policy);
}

/**
 * `decide` for signals already known to be valid, such as those the text engine's evidence becomes:
 * parsing them again cost a third of a flagged listing's decision.
 */
export function decideValidated(input: DecisionInput, policy: Policy = BASE_POLICY): PolicyDecision {
  const signals = input.signals;
  if (signals.length === 0) return noSignal(policy, input, signals, 0);
  const platform = platformPolicy(policy, input.platformId);
  const clauses = clausesFor(policy, input.platformId, platform);
  const lookup = speciesIndexOf(policy);
  const { active } = partition(signals, policy.minStrength);
  const { traded, mentioned } = tradedSpecies(active, lookup);

  const raw: RawMatch[] = [];
  for (const c of clauses) {
    const m = matchClause(c, active, traded, input.verifiedVendor === true);
    if (m) raw.push(m);
  }
  const wildlife = active.filter((s) => WILDLIFE_KINDS.has(s.kind));
  // A platform that lets verified vendors sell live animals has resolved those signals itself.
  const vendorCleared = (s: Signal) =>
    s.kind === 'live' &&
    input.verifiedVendor === true &&
    clauses.some((c) => c.rule.type === 'live-animals' && c.rule.scope === 'all-unless-verified-vendor');
  const unresolved = wildlife.filter((s) => !vendorCleared(s));
  const unresolvedClause = clauses.find((c) => c.rule.type === 'unresolved');
  if (raw.length === 0 && unresolved.length > 0 && unresolvedClause) {
    const species = [...traded, ...mentioned].map((t) => t.name);
    raw.push({ clause: unresolvedClause, signals: unresolved, species });
  }

  const commerce = active.filter((s) => s.kind === 'commerce');
  const imitation = active.filter((s) => s.kind === 'imitation');
  const antique = active.filter((s) => s.kind === 'antique');
  const permit = active.filter((s) => s.kind === 'permit');
  const news = active.filter((s) => s.kind === 'news');
  const contested = active.some((s) => CONTESTING_KINDS.has(s.kind));

  const evaluated = raw.map((m) => {
    const limits: LimitReason[] = [];
    const mitigating: Signal[] = [];
    let exempt = false;
    const ex = m.clause.exemptions;
    if (imitation.length > 0 && ex.declaredImitation !== 'ignore') {
      mitigating.push(...imitation);
      if (ex.declaredImitation === 'allow' && !contested) exempt = true;
      else limits.push(contested ? 'imitation-contested' : 'imitation-claim');
    }
    const claims: [Signal[], boolean, LimitReason][] = [
      [antique, ex.antiqueClaim === 'cap', 'antique-claim'],
      [permit, ex.permitClaim === 'cap', 'permit-claim'],
      [news, true, 'news-context'],
    ];
    for (const [found, applies, reason] of claims) {
      if (found.length === 0 || !applies) continue;
      limits.push(reason);
      mitigating.push(...found);
    }
    if (m.signals.every((s) => s.detector === 'llm')) limits.push('model-only');
    const supporting = [...new Set([...m.signals, ...commerce])];
    const capped: Verdict = limits.length > 0 ? 'review' : m.clause.verdict;
    // Fields spelled out: spreading `m` here was half of a flagged listing's decision time.
    return {
      clause: m.clause,
      signals: m.signals,
      species: m.species,
      supporting,
      mitigating,
      limits,
      exempt,
      capped,
      confidence: round(noisyOr(supporting)),
    };
  });

  const restrictive = evaluated
    .filter((e) => !e.exempt)
    .sort(
      (a, b) =>
        verdictRank[b.capped] - verdictRank[a.capped] ||
        b.clause.priority - a.clause.priority ||
        b.confidence - a.confidence,
    );
  const score = round(Math.max(0, ...wildlife.map((s) => s.strength)));
  const matches: ClauseMatch[] = evaluated.map((e) => ({
    clause: e.clause.id,
    prescribed: e.clause.verdict,
    confidence: e.confidence,
    limits: e.limits,
    exempt: e.exempt,
  }));

  // Decisions spell out every field: spreading a shared base object into their literals made V8 build
  // them slowly (30 µs of a decision's 32, on every listing screened).
  const top = restrictive[0];
  if (!top) {
    const cleared = evaluated.sort((a, b) => b.clause.priority - a.clause.priority)[0];
    if (cleared) {
      const params: ExplanationParams = {
        clauseTitle: titleIn(cleared.clause, input.locale),
        terms: termsOf(imitation),
      };
      return {
        matches,
        policyVersion: policy.version,
        platformId: input.platformId,
        score,
        verdict: 'allow',
        clause: cleared.clause.id,
        clauseTitle: cleared.clause.title,
        prescribed: cleared.clause.verdict,
        confidence: round(noisyOr(imitation)),
        explanation: renderExplanation('declared-imitation', params, [], input.locale),
        explanationKey: 'declared-imitation',
        explanationParams: params,
        limits: [],
        exemption: 'declared-imitation',
        species: cleared.species,
        evidence: [...cleared.supporting, ...imitation],
      };
    }
    return noSignal(policy, input, signals, score);
  }

  const limits = [...top.limits];
  let verdict: Verdict = top.capped;
  if (verdict === 'block') {
    const gate = platform.autoBlock;
    const reason: LimitReason | undefined = !gate.enabled
      ? 'auto-block-off'
      : gate.clauses && !gate.clauses.includes(top.clause.id)
        ? 'auto-block-clause'
        : top.confidence < gate.minConfidence
          ? 'auto-block-confidence'
          : undefined;
    if (reason) {
      verdict = 'review';
      limits.push(reason);
    }
  }
  const params: ExplanationParams = {
    clauseTitle: titleIn(top.clause, input.locale),
    species: top.species.map((id) => lookup(id)?.names[0] ?? id).join(', ') || undefined,
    terms: termsOf(top.supporting) || undefined,
  };
  return {
    matches,
    policyVersion: policy.version,
    platformId: input.platformId,
    score,
    verdict,
    clause: top.clause.id,
    clauseTitle: top.clause.title,
    prescribed: top.clause.verdict,
    confidence: top.confidence,
    explanation: renderExplanation('clause', params, limits, input.locale),
    explanationKey: 'clause',
    explanationParams: params,
    limits,
    exemption: null,
    species: top.species,
    evidence: [...new Set([...top.supporting, ...top.mitigating])],
  };
}

function titleIn(clause: Clause, locale: string | undefined): string {
  return (locale && clause.titles[locale]) || clause.title;
}

function termsOf(signals: readonly Signal[]): string {
  return [...new Set(signals.flatMap((s) => (s.term ? [s.term] : [])))].slice(0, 8).join(', ');
}
