// The base policy, modelled on the Coalition Prohibited Wildlife Policy Framework (domain.md §3.1) and
// platform phrasing (§3.2), plus presets for the platform variations the coalition's members adopted.
// The exact current framework list was not retrievable; the clauses follow its verified principles.
import {
  type ClauseInput,
  type PlatformPolicyInput,
  type Policy,
  type PolicyInput,
  policySchema,
} from './schema.ts';
import { librarySpecies } from './species-source.ts';

const ANIMAL_WELFARE = ['KEYWORD_UNLAWFUL_SALE_ANIMALS'];
const EU_WILDLIFE_LAW =
  'Council Regulation (EC) No 338/97 on the protection of species of wild fauna and flora by regulating trade therein (implements CITES in the EU)';

export const BASE_CLAUSES: ClauseInput[] = [
  {
    id: 'cites-appendix-i',
    title: 'CITES Appendix I species, their parts and derivatives',
    titles: {
      fr: "Espèces de l'Annexe I de la CITES, leurs parties et produits",
      es: 'Especies del Apéndice I de la CITES, sus partes y derivados',
    },
    text: 'Animals of species threatened with extinction (CITES Appendix I), alive or dead, and any of their parts or derivatives may not be offered.',
    basis: 'Coalition framework: all CITES Appendix I species; CITES Art. III',
    rule: { type: 'cites', appendices: ['I'] },
    verdict: 'block',
    priority: 100,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'cap', permitClaim: 'ignore' },
    dsa: {
      ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      legalGround: EU_WILDLIFE_LAW,
      illegal: true,
      keywords: ANIMAL_WELFARE,
    },
  },
  {
    id: 'ivory-any-species',
    title: 'Ivory of any species and any age',
    titles: { fr: 'Ivoire de toute espèce et de tout âge', es: 'Marfil de cualquier especie y antigüedad' },
    text: 'Ivory from any animal (elephant, mammoth, hippopotamus, walrus, narwhal, sperm whale and others), raw or worked, may not be offered.',
    basis: 'Coalition framework high-risk group (elephants/ivory); eBay, Amazon, Google Ads all-ivory bans',
    rule: { type: 'product-form', forms: ['ivory'] },
    verdict: 'block',
    priority: 95,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'cap', permitClaim: 'ignore' },
    dsa: { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', illegal: false, keywords: ANIMAL_WELFARE },
  },
  {
    id: 'live-wild-animals',
    title: 'Live wild animals',
    titles: { fr: 'Animaux sauvages vivants', es: 'Animales silvestres vivos' },
    text: 'Live animals of wild species may not be offered, because legal sourcing cannot be verified online.',
    basis: 'Coalition framework: live wild animals',
    rule: { type: 'live-animals', scope: 'wild-species' },
    verdict: 'block',
    priority: 90,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'ignore', permitClaim: 'cap' },
    dsa: { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', illegal: false, keywords: ANIMAL_WELFARE },
  },
  {
    id: 'framework-high-risk-groups',
    title: 'Species groups the framework names as high risk',
    titles: {
      fr: "Groupes d'espèces à haut risque nommés par le cadre",
      es: 'Grupos de especies de alto riesgo nombrados en el marco',
    },
    text: 'Parts and products of elephants, rhinos, big cats, bears, pangolins, marine turtles, primates, sharks and rays, seahorses, corals, Tibetan antelope and protected birds may not be offered.',
    basis: 'Coalition framework: named high-risk groups',
    rule: {
      type: 'species-group',
      groups: [
        'elephants',
        'rhinos',
        'big-cats',
        'bears',
        'pangolins',
        'marine-turtles',
        'primates',
        'great-apes',
        'sharks-and-rays',
        'corals',
        'parrots',
        'hornbills',
        'raptors',
      ],
      species: ['seahorse', 'tibetan-antelope'],
    },
    verdict: 'block',
    priority: 85,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'cap', permitClaim: 'cap' },
    dsa: { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', illegal: false, keywords: ANIMAL_WELFARE },
  },
  {
    id: 'cites-appendix-ii-without-permit',
    title: 'CITES Appendix II species without the required permits',
    titles: {
      fr: "Espèces de l'Annexe II de la CITES sans les permis requis",
      es: 'Especies del Apéndice II de la CITES sin los permisos exigidos',
    },
    text: 'Animals of CITES Appendix II species and their parts may be offered only with the permits the platform requires; a claimed permit is checked by a reviewer.',
    basis: 'Coalition framework; CITES Art. IV (export permits); eBay AU (App II with international postage)',
    rule: { type: 'cites', appendices: ['II'] },
    verdict: 'block',
    priority: 80,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'cap', permitClaim: 'cap' },
    dsa: {
      ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      legalGround: EU_WILDLIFE_LAW,
      illegal: false,
      keywords: ANIMAL_WELFARE,
    },
  },
  {
    id: 'cites-appendix-iii',
    title: 'CITES Appendix III species',
    titles: { fr: "Espèces de l'Annexe III de la CITES", es: 'Especies del Apéndice III de la CITES' },
    text: 'Animals of CITES Appendix III species and their parts need documents of origin; a reviewer checks the listing.',
    basis: 'CITES Art. V',
    rule: { type: 'cites', appendices: ['III'] },
    verdict: 'review',
    priority: 40,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'cap', permitClaim: 'cap' },
    dsa: { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', illegal: false, keywords: ANIMAL_WELFARE },
  },
  {
    id: 'unresolved-wildlife-signal',
    title: 'Possible wildlife product needing a human look',
    titles: {
      fr: "Possible produit d'espèce sauvage à examiner",
      es: 'Posible producto de fauna silvestre que requiere revisión',
    },
    text: 'A listing that mentions wildlife in a way the rules cannot resolve is checked by a reviewer before any action.',
    basis: 'Wild Sentinel: everything not automatically decidable goes to human review',
    rule: { type: 'unresolved' },
    verdict: 'review',
    priority: 10,
    exemptions: { declaredImitation: 'allow', antiqueClaim: 'ignore', permitClaim: 'ignore' },
    dsa: { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', illegal: false, keywords: ANIMAL_WELFARE },
  },
];

/** Platform variations from domain.md §3.2, ready to assign to a platform id. */
export const PLATFORM_PRESETS = {
  /** Meta-style commerce policy: no live animals at all, except from verified vendors (shops, shelters). */
  'no-live-animals-unless-verified-vendor': {
    overrides: {
      'live-wild-animals': { rule: { type: 'live-animals', scope: 'all-unless-verified-vendor' } },
    },
  },
  /** Etsy-style: ivory of every age is banned, antique or pre-ban claims and papers change nothing. */
  'ivory-no-antique-exemption': {
    overrides: {
      'ivory-any-species': { exemptions: { antiqueClaim: 'ignore', permitClaim: 'ignore' } },
      'cites-appendix-i': { exemptions: { antiqueClaim: 'ignore' } },
    },
  },
  /** A marketplace that lets the engine block clear Appendix I and ivory cases on its own. */
  'auto-block-clear-cases': {
    autoBlock: { enabled: true, minConfidence: 0.85, clauses: ['cites-appendix-i', 'ivory-any-species'] },
  },
} satisfies Record<string, PlatformPolicyInput>;

export const BASE_POLICY_INPUT: PolicyInput = {
  version: '1.0.0',
  framework: 'Coalition Prohibited Wildlife Policy Framework (modelled)',
  minStrength: 0.2,
  species: librarySpecies(),
  clauses: BASE_CLAUSES,
  defaults: {},
  platforms: {},
};

/** The validated base policy; platforms get their own entries through a reviewed policy change. */
export const BASE_POLICY: Policy = policySchema.parse(BASE_POLICY_INPUT);
