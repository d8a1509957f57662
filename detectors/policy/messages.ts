// Human-readable explanations: every decision carries a message key and parameters, so a reviewer card
// or a seller notice can render it in its own language; `renderExplanation` does so for the locales here.

import type { LimitReason } from '../../shared/screening.ts';

export const LOCALES = ['en', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export type MessageKey = 'no-signal' | 'clause' | 'declared-imitation';
export type { LimitReason };

export interface ExplanationParams {
  clauseTitle?: string;
  species?: string;
  terms?: string;
}

type Catalogue = {
  messages: Record<MessageKey, (p: ExplanationParams) => string>;
  limits: Record<LimitReason, string>;
  review: (reasons: string) => string;
  nothingNamed: string;
};

const en: Catalogue = {
  messages: {
    'no-signal': () => 'No wildlife-trade signal found.',
    clause: (p) =>
      `${p.clauseTitle}: ${p.species ? `mentions ${p.species}` : 'wildlife signal'}${p.terms ? ` (${p.terms})` : ''}.`,
    'declared-imitation': (p) =>
      `Allowed: the listing states an imitation material (${p.terms}), so "${p.clauseTitle}" does not apply.`,
  },
  limits: {
    'antique-claim': 'the seller claims an antique or pre-ban item, which needs documents checked',
    'permit-claim': 'the seller claims permits, which a reviewer must check',
    'imitation-claim': 'the seller states an imitation material, which a reviewer must confirm',
    'imitation-contested': 'an imitation claim is contradicted by other evidence',
    'news-context': 'the text reads as news or education',
    'auto-block-off': 'this platform does not allow automatic blocking',
    'auto-block-confidence': "confidence is below the platform's automatic-blocking threshold",
    'auto-block-clause': 'this platform allows automatic blocking only for other clauses',
    'model-only': 'the escalation rests on a language model, which a human must confirm',
  },
  review: (reasons) => `Sent to human review because ${reasons}.`,
  nothingNamed: 'wildlife signal',
};

const fr: Catalogue = {
  messages: {
    'no-signal': () => "Aucun signal de commerce d'espèces sauvages.",
    clause: (p) =>
      `${p.clauseTitle} : ${p.species ? `mentionne ${p.species}` : 'signal faunique'}${p.terms ? ` (${p.terms})` : ''}.`,
    'declared-imitation': (p) =>
      `Autorisé : l'annonce indique une matière d'imitation (${p.terms}) ; « ${p.clauseTitle} » ne s'applique pas.`,
  },
  limits: {
    'antique-claim':
      "le vendeur invoque un objet ancien ou antérieur à l'interdiction, dont les documents doivent être vérifiés",
    'permit-claim': 'le vendeur invoque des permis, qu’un modérateur doit vérifier',
    'imitation-claim': 'le vendeur indique une imitation, qu’un modérateur doit confirmer',
    'imitation-contested': "une mention d'imitation est contredite par d'autres indices",
    'news-context': "le texte relève de l'information ou de la sensibilisation",
    'auto-block-off': "cette plateforme n'autorise pas le blocage automatique",
    'auto-block-confidence': 'la confiance est inférieure au seuil de blocage automatique de la plateforme',
    'auto-block-clause': "cette plateforme n'autorise le blocage automatique que pour d'autres clauses",
    'model-only': "l'escalade repose sur un modèle de langage, qu'un humain doit confirmer",
  },
  review: (reasons) => `Transmis à un modérateur car ${reasons}.`,
  nothingNamed: 'signal faunique',
};

const es: Catalogue = {
  messages: {
    'no-signal': () => 'No se encontró ninguna señal de comercio de fauna silvestre.',
    clause: (p) =>
      `${p.clauseTitle}: ${p.species ? `menciona ${p.species}` : 'señal de fauna'}${p.terms ? ` (${p.terms})` : ''}.`,
    'declared-imitation': (p) =>
      `Permitido: el anuncio declara un material de imitación (${p.terms}), por lo que «${p.clauseTitle}» no se aplica.`,
  },
  limits: {
    'antique-claim':
      'el vendedor alega una antigüedad o un objeto anterior a la prohibición, cuyos documentos deben revisarse',
    'permit-claim': 'el vendedor alega permisos que un revisor debe comprobar',
    'imitation-claim': 'el vendedor declara una imitación que un revisor debe confirmar',
    'imitation-contested': 'otra evidencia contradice la declaración de imitación',
    'news-context': 'el texto parece noticia o material educativo',
    'auto-block-off': 'esta plataforma no permite el bloqueo automático',
    'auto-block-confidence': 'la confianza está por debajo del umbral de bloqueo automático de la plataforma',
    'auto-block-clause': 'esta plataforma solo permite el bloqueo automático para otras cláusulas',
    'model-only': 'la escalada se basa en un modelo de lenguaje y debe confirmarla una persona',
  },
  review: (reasons) => `Enviado a revisión humana porque ${reasons}.`,
  nothingNamed: 'señal de fauna',
};

const CATALOGUES: Record<Locale, Catalogue> = { en, fr, es };

export function isLocale(value: string | undefined): value is Locale {
  return value !== undefined && (LOCALES as readonly string[]).includes(value);
}

/** Renders a decision's explanation; unknown locales fall back to English. */
export function renderExplanation(
  key: MessageKey,
  params: ExplanationParams,
  limits: readonly LimitReason[],
  locale: string = 'en',
): string {
  const c = CATALOGUES[isLocale(locale) ? locale : 'en'];
  const main = c.messages[key](params);
  if (limits.length === 0) return main;
  return `${main} ${c.review(limits.map((l) => c.limits[l]).join('; '))}`;
}
