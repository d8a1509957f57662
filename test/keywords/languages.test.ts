// Issue 15 item 4: at least 20 languages with curated entries, every one with provenance, and the exact
// written forms of the languages added for it screened as trade, while their lookalikes (colour words,
// imitations, news) stay allowed. Folding of letter variants and unspaced scripts is tested with the engine.
import { describe, expect, it } from 'vitest';
import { type SearchAlertBody, searchAlert } from '../../api/routes/search-alert.ts';
import { compileLibrary } from '../../detectors/text/compile.ts';
import { screenWith } from '../../detectors/text/index.ts';
import { loadLibraryFromDir } from '../../keywords/load.ts';

const library = loadLibraryFromDir();
const compiled = compileLibrary(library);
const screen = (title: string, description = '') => screenWith(compiled, { title, description }).verdict;

const ADDED = ['ko', 'ar', 'hi', 'lo', 'km', 'my', 'tl'];
/** Species every added language (and Russian) must name as a product, not only as an animal. */
const CORE_SPECIES = ['african-elephant', 'rhinoceros', 'pangolin', 'tiger'];

describe('library languages', () => {
  it('has curated term-file entries in at least 20 languages', () => {
    const curated = new Map<string, number>();
    for (const e of library.entries)
      if (e.kind !== 'species') curated.set(e.language, (curated.get(e.language) ?? 0) + 1);
    const languages = [...curated].filter(([, n]) => n >= 30).map(([l]) => l);
    expect(languages.length).toBeGreaterThanOrEqual(20);
    for (const l of [...ADDED, 'ru']) expect(languages, l).toContain(l);
  });

  it.each([...ADDED, 'ru'])(
    '%s names elephant ivory, rhino horn, pangolin scales and tiger parts',
    (lang) => {
      const products = library.entries.filter((e) => e.language === lang && e.kind === 'product');
      for (const s of CORE_SPECIES) {
        expect(
          products.some((e) => e.species === s && e.strength === 'strong'),
          `${lang} ${s}`,
        ).toBe(true);
      }
      expect(library.entries.some((e) => e.language === lang && e.kind === 'negative')).toBe(true);
      expect(library.entries.some((e) => e.language === lang && e.kind === 'sale')).toBe(true);
    },
  );

  it('marks every own translation of the added languages for native review, saying so', () => {
    for (const e of library.entries.filter((x) => ADDED.includes(x.language))) {
      expect(e.provenance.needsNativeReview, `${e.language} ${e.term}`).toBe(true);
      expect(e.provenance.reviewNote, `${e.language} ${e.term}`).toMatch(/own translation|common name/);
    }
  });

  it('has Russian at the depth of the other languages, genitive forms included', () => {
    const ru = library.entries.filter((e) => e.language === 'ru');
    expect(ru.length).toBeGreaterThanOrEqual(150);
    expect(ru.filter((e) => e.kind === 'species').length).toBeGreaterThanOrEqual(30);
    expect(ru.find((e) => e.term === 'цвета слоновой кости')?.negativeContext).toBe('colour');
  });
});

describe('exact forms in the added languages', () => {
  it.each([
    ['ko', '상아도장 팝니다', '가격 문의'],
    ['ko', '상아로 만든 팔찌', '택배 가능'],
    ['ko', '천산갑 비늘 500g', '택배 가능'],
    ['ko', '회색앵무 분양', '카톡 주세요'],
    ['ar', 'مسبحة عاج للبيع', 'السعر بالخاص'],
    ['ar', 'شبل أسد للبيع', 'واتساب'],
    ['hi', 'गैंडे का सींग बिक्री के लिए', 'संपर्क करें'],
    ['hi', 'पैंगोलिन के शल्क', 'होलसेल रेट'],
    ['lo', 'ຂາຍນໍແຮດ', 'ລາຄາ'],
    ['km', 'លក់ស្បែកខ្លា', 'តម្លៃ'],
    ['my', 'ဆင်စွယ်လက်ကောက် ရောင်းမည်', ''],
    ['tl', 'Binebenta: kaliskis ng pangolin', 'PM lang'],
    ['ru', 'Нэцкэ из слоновой кости', 'продам, торг'],
    ['ru', 'Кабарожья струя', 'в наличии'],
  ])('%s: %s is screened as trade', (_lang, title, description) => {
    expect(screen(title, description)).not.toBe('allow');
  });

  it.each([
    ['ko', '아이보리 원피스', '새상품 판매'],
    ['ko', '상아색 니트', '택배 가능'],
    ['ko', '상아탑의 지식인들', ''],
    ['ar', 'فستان سهرة لون عاجي', 'للبيع'],
    ['ar', 'منتخب ساحل العاج', 'أخبار'],
    ['hi', 'आइवरी रंग का सूट', 'बिक्री के लिए'],
    ['hi', 'आइवरी साड़ी', 'बिक्री के लिए, कीमत 900'],
    ['tl', 'Damit kulay garing', 'benta'],
    ['ru', 'Свадебное платье цвета слоновой кости', 'продам'],
    ['ru', 'Браслет тигровый глаз', 'цена 500'],
  ])('%s lookalike: %s is allowed', (_lang, title, description) => {
    expect(screen(title, description)).toBe('allow');
  });
});

describe('search alerts in the added languages', () => {
  const ask = (q: string, lang?: string) =>
    searchAlert(new URLSearchParams({ q, ...(lang ? { lang } : {}) })).body as SearchAlertBody;

  it.each([
    ['상아도장', 'ko'],
    ['قرن وحيد القرن', 'ar'],
    ['हाथी दांत', 'hi'],
    ['ນໍແຮດ', 'lo'],
    ['ស្នែងរមាស', 'km'],
    ['ဆင်စွယ်', 'my'],
    ['kaliskis ng balintong', 'tl'],
    ['рог носорога', 'ru'],
  ])('%s alerts with the message in %s', (q, language) => {
    const body = ask(q);
    expect(body.alert).toBe(true);
    expect(body.message?.language).toBe(language);
    expect(body.message?.title.length).toBeGreaterThan(0);
  });

  it('does not alert on the Korean colour word', () => {
    expect(ask('아이보리 원피스', 'ko').alert).toBe(false);
  });
});
