// Function words that are never a trade term on their own, and never start or end a candidate n-gram
// ("of ivory", "ivory for"). Folded as the normaliser folds listings (lower case; Vietnamese in both modes).
const LISTS: Record<string, string> = {
  en: 'a an and are as at be but by for from has have i in is it its me my no not of on or our so that the their them then there these this to up us was we were what when which who will with you your dm pm pls please new used sale sell selling buy price contact whatsapp call text',
  fr: 'a au aux avec ce ces dans de des du elle en et il ils je la le les leur lui ma mais me mes mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes ton tu un une vos votre vous prix vente vends',
  es: 'a al con de del el en es esta este la las lo los mas me mi mis no o para pero por que se sin su sus te tu un una uno y precio venta vendo',
  pt: 'a ao aos as com da das de do dos e em esta este eu na nas no nos o os ou para por que se sem seu sua um uma preco venda vendo',
  id: 'ada adalah akan dan dari di dengan ini itu juga ke kami ke yang untuk atau harga jual murah wa',
  // Accented and unaccented; never "voi" (with / elephant) or "ngà": one fold is a trade word.
  vi: 'ban cac cho co cua da de duoc gia la mot nay nhung roi thi trong va ve bán các có của đã để được giá là một này những rồi thì và với về',
  de: 'der die das den dem des ein eine einen und oder mit von zu im in ist nicht auf fur für preis verkaufe',
  it: 'il lo la le gli i un una di da in con per su e o che non del della prezzo vendo',
};

const SETS = new Map(Object.entries(LISTS).map(([lang, words]) => [lang, new Set(words.split(' '))]));
const ALL = new Set([...SETS.values()].flatMap((s) => [...s]));

/** A stop-word of the language (or of any language we list, for listings without one). */
export function isStopWord(word: string, language: string): boolean {
  const own = SETS.get(language.split('-')[0]!);
  return own ? own.has(word) || SETS.get('en')!.has(word) : ALL.has(word);
}
