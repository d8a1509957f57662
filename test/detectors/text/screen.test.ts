import { describe, expect, it } from 'vitest';
import {
  MAX_EVIDENCE,
  MAX_SCREENED_LENGTH,
  screenText,
  type TextListing,
} from '../../../detectors/text/index.ts';

const verdict = (listing: TextListing) => screenText(listing).verdict;

describe('screenText', () => {
  it('blocks a strong product term with a sale signal', () => {
    const r = screenText({
      title: 'Real ivory bangle',
      description: 'DM for price. WhatsApp +84 912 345 678',
    });
    expect(r.verdict).toBe('block');
    expect(r.species).toContain('african-elephant');
    expect(r.evidence.map((e) => e.kind)).toEqual(expect.arrayContaining(['product', 'sale']));
  });

  it('maps evidence offsets back to the original, obfuscated text', () => {
    const listing = { title: 'R.H.I.N.O horn 100% genuine', description: 'selling p@ngolin sc@les, dm me' };
    const r = screenText(listing);
    for (const e of r.evidence) {
      const original = listing[e.field].slice(e.start, e.end);
      expect(original.length).toBeGreaterThan(0);
    }
    const pangolin = r.evidence.find((e) => e.species === 'pangolin')!;
    expect(listing.description.slice(pangolin.start, pangolin.end)).toBe('p@ngolin sc@les');
    expect(r.verdict).toBe('block');
  });

  it('sends weak evidence to review, never straight to block', () => {
    const r = screenText({
      title: 'Antique netsuke, carved bone, Meiji period',
      description: 'Price $250, DM',
    });
    expect(r.verdict).toBe('review');
    const tusk = screenText({ title: 'Ivory bangle for sale $50' });
    expect(tusk.verdict).toBe('review');
  });

  it('allows lookalikes: colours, brands, imitation materials, news', () => {
    expect(verdict({ title: 'Ivory lace wedding dress size 10', description: 'Worn once, $120' })).toBe(
      'allow',
    );
    expect(verdict({ title: 'Tiger Balm red 30g', description: 'Original Singapore, ship worldwide' })).toBe(
      'allow',
    );
    expect(verdict({ title: 'Vegetable ivory (tagua nut) buttons x20' })).toBe('allow');
    expect(verdict({ title: 'Customs seized 20kg of rhino horn at the airport, police say' })).toBe('allow');
    expect(verdict({ title: 'Dầu cao hổ chính hãng', language: 'vi' })).toBe('allow');
    expect(verdict({ title: '虎皮蛋糕 新鲜出炉' })).toBe('allow');
  });

  it('reads Vietnamese with its diacritics', () => {
    expect(verdict({ title: 'Bán sừng tê giác nguyên chiếc, ib zalo' })).not.toBe('allow');
    // "Nga" (Russia) is not "ngà" (ivory).
    expect(screenText({ title: 'Tin tức Nga hôm nay', language: 'vi' }).evidence).toEqual([]);
  });

  it('matches Chinese in traditional and simplified script, without word boundaries', () => {
    expect(verdict({ title: '出售熊膽粉 私訊' })).not.toBe('allow');
    expect(verdict({ title: '熊胆粉出售，加微信' })).not.toBe('allow');
  });

  it('respects word boundaries in spaced scripts but accepts plurals', () => {
    expect(
      screenText({ title: 'Rhinohornet toy' }).evidence.find((e) => e.term === 'rhino horn'),
    ).toBeUndefined();
    expect(verdict({ title: 'Elephant tusks for sale' })).not.toBe('allow');
  });

  it('handles bad input without throwing', () => {
    expect(verdict({ title: '' })).toBe('allow');
    expect(verdict({ title: '\ud800\udfff\u0000\u0007' })).toBe('allow');
    expect(verdict({ title: 'x', description: undefined })).toBe('allow');
    expect(verdict({ title: 42 as unknown as string })).toBe('allow');
    expect(verdict({ title: 'rhino horn', language: 7 as unknown as string })).not.toBe('allow');
    const long = screenText({
      title: 'ok',
      description: `${'a '.repeat(MAX_SCREENED_LENGTH)} rhino horn for sale`,
    });
    expect(long.truncated).toBe(true);
    expect(long.verdict).toBe('allow');
  });

  it('handles a keyword-stuffed maximum-length description with bounded evidence', () => {
    const r = screenText({
      title: 'lot',
      description: '象牙 rhino horn '.repeat(MAX_SCREENED_LENGTH / 14).slice(0, MAX_SCREENED_LENGTH),
    });
    expect(r.verdict).not.toBe('allow');
    expect(r.evidence.length).toBe(MAX_EVIDENCE);
    expect(r.evidence[0]!.start).toBe(0);
  });

  it('reports the library version it used', () => {
    expect(screenText({ title: 'hello' }).libraryVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('negation of lookalike terms', () => {
  it('does not let "not resin" count as an imitation declaration', () => {
    const negated = screenText({ title: 'Rhino horn cup, not resin', description: 'dm for price' });
    const declared = screenText({ title: 'Rhino horn cup, resin', description: 'dm for price' });
    expect(negated.evidence.some((e) => e.term === 'resin')).toBe(false);
    expect(negated.score).toBeGreaterThan(declared.score);
  });
});

describe('negated mentions, glosses and valuations', () => {
  const prices = (title: string) =>
    screenText({ title, description: '' }).evidence.filter((e) => e.term === 'price');

  it('drops a negated mention of a wildlife term, and only that one', () => {
    expect(verdict({ title: 'Resin bangle, not ivory', description: '$20' })).toBe('allow');
    expect(verdict({ title: 'Mapambo ya mfupa wa ngombe, si pembe ya ndovu', description: 'KSh 450' })).toBe(
      'allow',
    );
    expect(verdict({ title: 'Faux glasses (no real turtle shell!)', description: '$24' })).toBe('allow');
    // Another mention still counts: the negation reaches only the term right after it.
    expect(verdict({ title: 'Not ivory-look resin: real ivory bangle', description: '$300' })).not.toBe(
      'allow',
    );
  });

  it('reads a negation after the term where the language puts it there, and one written without a space', () => {
    expect(verdict({ title: '根付 樹脂製', description: '象牙ではありません。3,000円' })).toBe('allow');
    expect(verdict({ title: '상아 도장 아님, 레진 도장', description: '5만원' })).toBe('allow');
    expect(verdict({ title: 'हाथी दांत नहीं, रेज़िन की मूर्ति', description: '₹500' })).toBe('allow');
    expect(verdict({ title: 'ကြေးဆင်းတု (ဆင်စွယ် မပါ)', description: '၆၀,၀၀၀ ကျပ်' })).toBe('allow');
    // Lao: the negation's last letter and the term's first are the same letter, read as one by the matcher.
    expect(verdict({ title: 'ຫວີ ເຂົາຄວາຍ', description: 'ບໍ່ແມ່ນນໍແຮດ. 50,000 ກີບ' })).toBe('allow');
    // A negation after another word says nothing about the term.
    expect(verdict({ title: 'हाथी दांत की चूड़ी, नकली नहीं', description: '₹5000' })).not.toBe('allow');
    expect(verdict({ title: '象牙印章 本物', description: '偽物ではありません 10万円' })).not.toBe('allow');
    expect(verdict({ title: 'ນໍແຮດ ແທ້', description: 'ບໍ່ແມ່ນປອມ. 5,000,000 ກີບ' })).not.toBe('allow');
    // Nor does a line that follows: a sentence added after the listing.
    const bangle = { title: 'चूड़ी ₹5000, असली हाथी दांत', description: '' };
    expect(verdict(bangle)).not.toBe('allow');
    expect(verdict({ ...bangle, title: `${bangle.title}\nनहीं मिलेगा ऐसा दाम` })).not.toBe('allow');
    // Hindi's नहीं before a verb negates the verb: "you won't find real ivory at this price".
    expect(verdict({ ...bangle, title: `${bangle.title} नहीं मिलेगा ऐसा दाम` })).not.toBe('allow');
    expect(verdict({ title: 'यह हाथी दांत नहीं है, रेज़िन की चूड़ी', description: '₹500' })).toBe('allow');
  });

  it('cancels a negated sale cue: "not for sale" offers nothing', () => {
    const said = screenText({
      title: "Grandmother's ivory chess set",
      description: 'Not for sale, just sharing.',
    });
    expect(said.evidence.some((e) => e.kind === 'sale')).toBe(false);
  });

  it('reads a bracketed gloss as part of the phrase before it', () => {
    expect(verdict({ title: 'ชุดเจ้าสาวสีงาช้าง (ivory) ไซส์ S', description: 'ขาย 4,500 บาท' })).toBe('allow');
  });

  it('counts a price, not the value a news item gives a seizure', () => {
    expect(prices('Customs seize rhino horns worth HK$12 million')).toEqual([]);
    expect(prices('象牙 价值300万元')).toEqual([]);
    expect(prices('Seized ivory valued at $1.2m, and a bangle for $300')).toHaveLength(1);
    expect(prices('Ivory figure. Estimate £400-600')).toHaveLength(1);
  });

  it("reads the s of a possessive as the end of a word, not a currency: gran's 1920s piano", () => {
    expect(prices("Ivory bangle, my gran's 1920 piano")).toEqual([]);
    expect(prices('Ivory bangle, my gran’s 1920 piano')).toEqual([]);
    expect(prices("Ivory bangle, it's 100 years old")).toEqual([]);
    expect(prices('Ivory bangle, S 500 or nearest offer')).toHaveLength(1);
  });

  it('reads a one-letter currency before a single digit as a model name: Canon R5, not five rand', () => {
    expect(prices('Hornbill casque, shot on a Canon R5')).toEqual([]);
    expect(prices('Hornbill casque R50 each')).toHaveLength(1);
    expect(prices('Vifaranga vya kasuku kijivu, bei Sh 60,000')).toHaveLength(1);
    expect(prices('Ара, птенец, 150к')).toHaveLength(1);
  });

  it('reads a negation that names the real thing: "pas de la vraie écaille", "不是动物象牙"', () => {
    expect(
      verdict({ title: 'Lunettes vintage', description: "Ce n'est pas de la vraie écaille. 45 €" }),
    ).toBe('allow');
    expect(verdict({ title: '手工雕刻摆件', description: '植物材质，不是动物象牙，可开发票' })).toBe('allow');
    expect(verdict({ title: 'ဆင်ရုပ်', description: 'ဆင်စွယ်အစစ် မပါ။' })).toBe('allow');
    // Without the negation the same mention counts.
    expect(verdict({ title: '手工雕刻摆件', description: '动物象牙，可开发票' })).not.toBe('allow');
  });

  it('reads Swahili "bei" (price) as a sale cue in a price phrase only, never German "bei" (at)', () => {
    const sale = (title: string, description: string) =>
      screenText({ title, description })
        .evidence.filter((e) => e.kind === 'sale')
        .map((e) => e.term);
    expect(sale('Elfenbeinkette geerbt', 'Was muss ich bei einer Erbschaft beachten?')).toEqual([]);
    expect(sale('Ngozi ya chui', 'Nzima, bei nafuu')).toEqual(['bei nafuu']);
  });
});

describe('articles and campaign posts', () => {
  it('an awareness post that names selling, with no price, is no offer: its news terms reach every mention', () => {
    const post = {
      title: 'Kukang bukan hewan peliharaan! 🚫',
      description:
        'Gigi kukang sering dipotong paksa sebelum dijual. Kukang dilindungi undang-undang. Jangan beli. Laporkan ke BKSDA.',
    };
    expect(verdict(post)).toBe('allow');
    // The same words beside an asking price are an offer again: news context stays local then.
    expect(
      verdict({ ...post, description: `${post.description} Kukang bayi Rp 800.000, hubungi 0812 3456 7890` }),
    ).not.toBe('allow');
  });

  it('a question whether a sale is legal, with no price, is no offer', () => {
    const question = {
      title: '',
      description:
        "Quick question - is it still legal to sell my gran's ivory brooch in the UK? Not trying to sell here, just want advice!",
    };
    expect(verdict(question)).toBe('allow');
    expect(
      verdict({ title: '', description: '请问一下，家里老人留下来一枚象牙印章，现在能卖吗？会不会违法？' }),
    ).toBe('allow');
    // An asking price makes it an offer whatever else the text says, and a question never qualifies a term
    // beside it in a post that offers: "is it legal?" is no disclaimer.
    expect(verdict({ ...question, description: `${question.description} £300` })).not.toBe('allow');
    expect(verdict({ title: 'Is it legal? Ivory bangle', description: '$300, DM' })).not.toBe('allow');
    expect(
      verdict({
        title: '',
        description: 'Mấy chị ơi, bà để lại cái lược đồi mồi cũ, giờ đem bán có bị phạt không ạ?',
      }),
    ).toBe('allow');
  });

  it('one news word beside a sale word is not enough to read a listing as an article', () => {
    expect(verdict({ title: 'Kukang dijual', description: 'Laporkan kalau tidak jadi' })).not.toBe('allow');
  });
});

describe('context is local (keywords/FORMAT.md)', () => {
  it('a Vietnamese line elsewhere does not hide accented terms of other languages', () => {
    // One Vietnamese letter switches the listing to accented mode, where "bébé" keeps its accents.
    const listing = { title: 'Bébé singe à vendre', description: 'Très affectueux, habitué aux enfants. MP' };
    expect(verdict(listing)).not.toBe('allow');
    expect(verdict({ ...listing, description: `${listing.description} Cảm ơn bạn đã ghé thăm.` })).not.toBe(
      'allow',
    );
  });

  it('a hashtag or a tag list qualifies only what it overlaps', () => {
    expect(verdict({ title: '#replica Rhino horn cup' })).not.toBe('allow');
    expect(verdict({ title: 'tags: toy Rhino horn cup' })).not.toBe('allow');
    expect(verdict({ title: '标签：玩具 犀牛角杯' })).not.toBe('allow');
    expect(verdict({ title: '#vegetableivory buttons' })).toBe('allow');
  });

  it('a bare hashtag repeating a colour use labels that use; beside an object, or alone, it still counts', () => {
    const dress = 'Selling my ivory lace wedding dress, size 10, worn once. £400 ono #weddingdress #ivory';
    expect(verdict({ title: '', description: dress })).toBe('allow');
    expect(verdict({ title: '', description: 'Old ivory for sale £400 #ivory' })).not.toBe('allow');
    expect(verdict({ title: '', description: `${dress} #netsuke` })).not.toBe('allow');
    expect(verdict({ title: '', description: 'Ivory lace dress £40. Old ivory £400 #ivory' })).not.toBe(
      'allow',
    );
  });

  it("an animal emoji beside a ball or a trophy is a team's mascot", () => {
    expect(
      verdict({ title: '', description: 'Massive congrats to the Tigers lads on the win today 🐯🏉' }),
    ).toBe('allow');
    expect(verdict({ title: '', description: 'AFC Leopards vs Gor Mahia Jumapili! 🐆⚽' })).toBe('allow');
    expect(verdict({ title: 'Tiger claw pendant 🐯', description: '$50, DM' })).not.toBe('allow');
  });

  it('an animal emoji repeating a species the words explained away labels the same use', () => {
    expect(
      verdict({
        title: '',
        description: 'Tiger camo jacket from the flea market, $5 🐯 bargain of the day!',
      }),
    ).toBe('allow');
    // A species named for what it is keeps its emoji.
    expect(
      verdict({ title: '', description: 'Tiger claw from the flea market, $5 🐯 bargain of the day!' }),
    ).not.toBe('allow');
  });

  it('"not a toy" denies a lookalike, it does not declare one', () => {
    expect(verdict({ title: 'not a toy Rhino horn cup' })).not.toBe('allow');
    expect(verdict({ title: 'toy Rhino horn cup' })).toBe('allow');
  });

  it('a material qualifies across a comma only when named right after the object', () => {
    expect(verdict({ title: 'Rhino horn cup, resin' })).toBe('allow');
    expect(verdict({ title: 'Made of resin, rhino horn cup' })).not.toBe('allow');
    expect(verdict({ title: 'Nyama pori ya kakakuona, piga simu Plastic, hand painted.' })).not.toBe('allow');
  });

  it('in scripts without spaces a space ends a phrase, as a comma does', () => {
    expect(verdict({ title: '犀牛角杯 树脂' })).toBe('allow');
    expect(verdict({ title: '树脂 犀牛角杯' })).not.toBe('allow');
    expect(verdict({ title: 'ผลิตจากพลาสติก งาช้างแกะสลัก' })).not.toBe('allow');
    expect(verdict({ title: '树脂工艺品 Rhino horn cup' })).not.toBe('allow');
  });

  it('"handicraft" (工艺品) is no imitation declaration: ivory handicraft is how carvings are sold', () => {
    expect(verdict({ title: '象牙工艺品 出售 价格私聊' })).not.toBe('allow');
  });
});
