// The template library: ready-to-edit messages for the main wildlife days in several languages, and a
// generic message for every other day. Comms teams start from these and adapt them in the /campaign modal.
import { findWildlifeDay } from './calendar.ts';
import type { Variant } from './model.ts';

export const TEMPLATE_LANGUAGES = ['en', 'es', 'fr', 'pt', 'id', 'zh'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

/** Where the public can report a suspicious listing (Coalition to End Wildlife Trafficking Online). */
export const REPORT_URL = 'https://www.endwildlifetraffickingonline.org/report';

type Texts = Record<TemplateLanguage, string>;

const MAIN_DAY_TEXTS: Record<string, Texts> = {
  'world-pangolin-day': {
    en: 'Today is World Pangolin Day. Pangolins are among the most trafficked mammals on Earth, and their scales and meat are still offered online. Never buy pangolin products, and report any listing you see: {report}',
    es: 'Hoy es el Día Mundial del Pangolín. Los pangolines están entre los mamíferos más traficados del planeta, y sus escamas y su carne aún se ofrecen en internet. No compres productos de pangolín y denuncia cualquier anuncio que veas: {report}',
    fr: "Aujourd'hui, c'est la Journée mondiale du pangolin. Le pangolin est l'un des mammifères les plus braconnés au monde, et ses écailles et sa viande sont encore vendues en ligne. N'achetez jamais de produits issus du pangolin et signalez toute annonce : {report}",
    pt: 'Hoje é o Dia Mundial do Pangolim. Os pangolins estão entre os mamíferos mais traficados do planeta, e as suas escamas e carne ainda são vendidas na internet. Nunca compre produtos de pangolim e denuncie qualquer anúncio: {report}',
    id: 'Hari ini adalah Hari Trenggiling Sedunia. Trenggiling termasuk mamalia yang paling banyak diperdagangkan secara ilegal, dan sisik serta dagingnya masih dijual secara daring. Jangan pernah membeli produk trenggiling, dan laporkan setiap iklan yang Anda temukan: {report}',
    zh: '今天是世界穿山甲日。穿山甲是全球遭非法贩运最严重的哺乳动物之一，网上仍有人出售穿山甲鳞片和肉。请勿购买任何穿山甲制品，发现相关信息请举报：{report}',
  },
  'world-elephant-day': {
    en: 'Today is World Elephant Day. Every ivory carving, bangle or "antique" sold online can fuel the poaching of elephants. Say no to ivory, and report listings that offer it: {report}',
    es: 'Hoy es el Día Mundial del Elefante. Cada talla, pulsera o «antigüedad» de marfil que se vende en internet puede alimentar la caza furtiva de elefantes. Di no al marfil y denuncia los anuncios que lo ofrezcan: {report}',
    fr: "Aujourd'hui, c'est la Journée mondiale de l'éléphant. Chaque sculpture, bracelet ou « objet ancien » en ivoire vendu en ligne peut alimenter le braconnage. Refusez l'ivoire et signalez les annonces qui en proposent : {report}",
    pt: 'Hoje é o Dia Mundial do Elefante. Cada escultura, pulseira ou «antiguidade» de marfim vendida na internet pode alimentar a caça furtiva de elefantes. Diga não ao marfim e denuncie os anúncios que o oferecem: {report}',
    id: 'Hari ini adalah Hari Gajah Sedunia. Setiap ukiran, gelang, atau "barang antik" gading yang dijual daring dapat memicu perburuan gajah. Tolak gading, dan laporkan iklan yang menawarkannya: {report}',
    zh: '今天是世界大象日。网上出售的每一件象牙雕刻、手镯或“古董”都可能助长对大象的盗猎。请拒绝象牙制品，发现出售信息请举报：{report}',
  },
  'global-tiger-day': {
    en: 'Today is Global Tiger Day. Tiger skins, bones, teeth and claws are still traded online, and so are live cubs. Do not buy tiger products or "pet" cubs, and report listings: {report}',
    es: 'Hoy es el Día Mundial del Tigre. Pieles, huesos, dientes y garras de tigre, e incluso cachorros vivos, todavía se venden en internet. No compres productos de tigre ni cachorros como «mascota» y denuncia los anuncios: {report}',
    fr: "Aujourd'hui, c'est la Journée mondiale du tigre. Peaux, os, dents et griffes de tigre, et même des petits vivants, sont encore vendus en ligne. N'achetez aucun produit issu du tigre ni de petit « de compagnie », et signalez les annonces : {report}",
    pt: 'Hoje é o Dia Global do Tigre. Peles, ossos, dentes e garras de tigre, e até filhotes vivos, ainda são vendidos na internet. Não compre produtos de tigre nem filhotes como «animal de estimação» e denuncie os anúncios: {report}',
    id: 'Hari ini adalah Hari Harimau Sedunia. Kulit, tulang, gigi, dan cakar harimau, bahkan anak harimau hidup, masih diperdagangkan secara daring. Jangan membeli produk harimau atau anak harimau sebagai "peliharaan", dan laporkan iklannya: {report}',
    zh: '今天是全球老虎日。虎皮、虎骨、虎牙、虎爪乃至活体幼虎仍在网上被买卖。请勿购买任何老虎制品或“宠物”幼虎，发现相关信息请举报：{report}',
  },
  'world-rhino-day': {
    en: 'Today is World Rhino Day. Rhino horn has no proven medicinal value, yet demand for it drives poaching. Never buy rhino horn, in any form, and report listings: {report}',
    es: 'Hoy es el Día Mundial del Rinoceronte. El cuerno de rinoceronte no tiene ningún valor medicinal demostrado, pero su demanda impulsa la caza furtiva. Nunca compres cuerno de rinoceronte, en ninguna forma, y denuncia los anuncios: {report}',
    fr: "Aujourd'hui, c'est la Journée mondiale du rhinocéros. La corne de rhinocéros n'a aucune vertu médicinale prouvée, mais la demande alimente le braconnage. N'achetez jamais de corne, sous aucune forme, et signalez les annonces : {report}",
    pt: 'Hoje é o Dia Mundial do Rinoceronte. O chifre de rinoceronte não tem qualquer valor medicinal comprovado, mas a procura alimenta a caça furtiva. Nunca compre chifre de rinoceronte, em nenhuma forma, e denuncie os anúncios: {report}',
    id: 'Hari ini adalah Hari Badak Sedunia. Cula badak tidak terbukti berkhasiat obat, namun permintaannya mendorong perburuan. Jangan pernah membeli cula badak dalam bentuk apa pun, dan laporkan iklannya: {report}',
    zh: '今天是世界犀牛日。犀牛角没有任何经证实的药用价值，但需求仍在推动盗猎。请勿购买任何形式的犀牛角，发现相关信息请举报：{report}',
  },
  'world-wildlife-day': {
    en: 'Today is World Wildlife Day, the anniversary of CITES. Illegal wildlife trade has moved online: animals, ivory, scales and skins are sold with a click. Think before you buy, and report suspicious listings: {report}',
    es: 'Hoy es el Día Mundial de la Vida Silvestre, aniversario de la CITES. El comercio ilegal de fauna se ha trasladado a internet: animales, marfil, escamas y pieles se venden con un clic. Piensa antes de comprar y denuncia los anuncios sospechosos: {report}',
    fr: "Aujourd'hui, c'est la Journée mondiale de la vie sauvage, anniversaire de la CITES. Le commerce illégal d'espèces sauvages s'est déplacé en ligne : animaux, ivoire, écailles et peaux se vendent en un clic. Réfléchissez avant d'acheter et signalez les annonces suspectes : {report}",
    pt: 'Hoje é o Dia Mundial da Vida Selvagem, aniversário da CITES. O comércio ilegal de animais selvagens passou para a internet: animais, marfim, escamas e peles vendem-se com um clique. Pense antes de comprar e denuncie anúncios suspeitos: {report}',
    id: 'Hari ini adalah Hari Satwa Liar Sedunia, peringatan penandatanganan CITES. Perdagangan satwa liar ilegal kini berpindah ke dunia daring: satwa, gading, sisik, dan kulit dijual dengan sekali klik. Berpikirlah sebelum membeli, dan laporkan iklan yang mencurigakan: {report}',
    zh: '今天是世界野生动植物日，也是《濒危野生动植物种国际贸易公约》签署纪念日。非法野生动物贸易已转向网络：活体动物、象牙、鳞片和皮张一键即可买到。购买前请三思，发现可疑信息请举报：{report}',
  },
  'world-turtle-day': {
    en: 'Today is World Turtle Day. Tortoises and turtles are sold online as pets and their shells as trinkets, often taken from the wild. Do not buy them, and report listings: {report}',
    es: 'Hoy es el Día Mundial de la Tortuga. Tortugas vivas se venden en internet como mascotas y sus caparazones como adornos, a menudo capturadas en la naturaleza. No las compres y denuncia los anuncios: {report}',
    fr: "Aujourd'hui, c'est la Journée mondiale de la tortue. Des tortues sont vendues en ligne comme animaux de compagnie et leurs carapaces comme bibelots, souvent prélevées dans la nature. Ne les achetez pas et signalez les annonces : {report}",
    pt: 'Hoje é o Dia Mundial da Tartaruga. Tartarugas e cágados são vendidos na internet como animais de estimação e as suas carapaças como enfeites, muitas vezes retirados da natureza. Não os compre e denuncie os anúncios: {report}',
    id: 'Hari ini adalah Hari Kura-kura Sedunia. Kura-kura dan penyu dijual daring sebagai hewan peliharaan dan cangkangnya sebagai hiasan, sering kali diambil dari alam. Jangan membelinya, dan laporkan iklannya: {report}',
    zh: '今天是世界龟类日。陆龟和海龟常被当作宠物在网上出售，龟壳被做成饰品，其中很多捕自野外。请勿购买，发现相关信息请举报：{report}',
  },
};

const GENERIC: Texts = {
  en: 'Today is {name}. Wildlife belongs in the wild, not in online shops. If you see animals or wildlife products offered for sale online, report the listing: {report}',
  es: 'Hoy es {name}. La fauna silvestre pertenece a la naturaleza, no a las tiendas en línea. Si ves animales o productos de fauna a la venta en internet, denuncia el anuncio: {report}',
  fr: "Aujourd'hui, c'est {name}. La faune sauvage a sa place dans la nature, pas dans les boutiques en ligne. Si vous voyez des animaux ou des produits d'espèces sauvages à vendre en ligne, signalez l'annonce : {report}",
  pt: 'Hoje é {name}. Os animais selvagens pertencem à natureza, não às lojas online. Se vir animais ou produtos de vida selvagem à venda na internet, denuncie o anúncio: {report}',
  id: 'Hari ini adalah {name}. Satwa liar seharusnya hidup di alam, bukan dijual di toko daring. Jika Anda melihat satwa atau produk satwa liar dijual secara daring, laporkan iklannya: {report}',
  zh: '今天是{name}。野生动物属于大自然，而不是网店。如果您在网上看到出售野生动物或其制品的信息，请举报：{report}',
};

function fill(text: string, name: string): string {
  return text.replaceAll('{name}', name).replaceAll('{report}', REPORT_URL);
}

export function hasDedicatedTemplate(dayId: string): boolean {
  return dayId in MAIN_DAY_TEXTS;
}

export function hasTemplateLanguage(language: string): boolean {
  return (TEMPLATE_LANGUAGES as readonly string[]).includes(language.split('-')[0]!);
}

/**
 * The default message for a day in a language: the dedicated text for a main day, else the generic
 * message naming the day. A language without templates gets undefined, never English in its place: the
 * team is told to write that message itself.
 */
export function templateFor(dayId: string, language: string): Variant | undefined {
  const day = findWildlifeDay(dayId);
  if (!day || !hasTemplateLanguage(language)) return undefined;
  const texts = MAIN_DAY_TEXTS[dayId] ?? GENERIC;
  return { text: fill(texts[language.split('-')[0] as TemplateLanguage], day.name) };
}

/** Default variants for every language an audience list needs. */
export function defaultVariants(dayId: string, languages: readonly string[]): Record<string, Variant> {
  const variants: Record<string, Variant> = {};
  for (const language of new Set(languages)) {
    const v = templateFor(dayId, language);
    if (v) variants[language] = v;
  }
  return variants;
}
