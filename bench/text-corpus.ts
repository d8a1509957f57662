// The benchmark corpus: ordinary marketplace listings in ten languages, built with a seeded PRNG so every
// engine (and every run) sees exactly the same text; about 1% carry a strong wildlife product term plus a
// sale phrase and a phone number, and about 3% a lookalike term. Written as people post: punctuation and
// line breaks between phrases, prices in local formats on a third of listings, emoji on a quarter.
import type { CompiledLibrary } from '../detectors/text/compile.ts';
import type { TextListing } from '../detectors/text/index.ts';

// Ordinary marketplace vocabulary per language.
const WORDS: Record<string, { spaced: boolean; words: string[] }> = {
  en: {
    spaced: true,
    words:
      'used good condition for sale price new box original size colour black white blue red phone case charger laptop bike frame wheels sofa table chair wooden kitchen set pack shipping available pickup only cash offer warranty brand model year mileage engine garden tools kids toys dress shirt shoes jacket leather cotton vintage lamp mirror book collection camera lens battery'.split(
        ' ',
      ),
  },
  es: {
    spaced: true,
    words:
      'vendo usado buen estado precio nuevo caja original talla color negro blanco azul celular funda cargador bicicleta mesa silla madera cocina envío disponible efectivo oferta garantía marca modelo año ropa zapatos chamarra lámpara libro cámara'.split(
        ' ',
      ),
  },
  pt: {
    spaced: true,
    words:
      'vendo usado bom estado preço novo caixa original tamanho cor preto branco azul celular capa carregador bicicleta mesa cadeira madeira cozinha envio disponível dinheiro oferta garantia marca modelo ano roupa sapatos jaqueta livro câmera'.split(
        ' ',
      ),
  },
  fr: {
    spaced: true,
    words:
      'vends occasion bon état prix neuf boîte original taille couleur noir blanc bleu téléphone coque chargeur vélo table chaise bois cuisine envoi disponible espèces offre garantie marque modèle année vêtements chaussures veste lampe livre appareil'.split(
        ' ',
      ),
  },
  id: {
    spaced: true,
    words:
      'jual bekas kondisi bagus harga baru kotak original ukuran warna hitam putih biru hp casing charger sepeda meja kursi kayu dapur kirim tersedia tunai nego garansi merek model tahun baju sepatu jaket lampu buku kamera mulus'.split(
        ' ',
      ),
  },
  vi: {
    spaced: true,
    words:
      'bán cũ còn mới giá hộp chính hãng size màu đen trắng xanh điện thoại ốp sạc xe đạp bàn ghế gỗ nhà bếp ship có sẵn tiền mặt bảo hành hiệu đời năm quần áo giày áo khoác đèn sách máy ảnh'.split(
        ' ',
      ),
  },
  de: {
    spaced: true,
    words:
      'verkaufe gebraucht guter zustand preis neu karton original größe farbe schwarz weiß blau handy hülle ladegerät fahrrad tisch stuhl holz küche versand verfügbar bar angebot garantie marke modell jahr kleidung schuhe jacke lampe buch kamera'.split(
        ' ',
      ),
  },
  zh: {
    spaced: false,
    words:
      '二手 九成新 出售 价格 全新 包装 原装 尺码 颜色 黑色 白色 蓝色 手机 手机壳 充电器 自行车 桌子 椅子 实木 厨房 包邮 现货 可议价 保修 品牌 型号 年份 衣服 鞋子 外套 台灯 书籍 相机 镜头 电池'.split(
        ' ',
      ),
  },
  th: {
    spaced: false,
    words:
      'ขาย มือสอง สภาพดี ราคา ใหม่ กล่อง ของแท้ ไซส์ สี ดำ ขาว น้ำเงิน โทรศัพท์ เคส ที่ชาร์จ จักรยาน โต๊ะ เก้าอี้ ไม้ ครัว ส่งฟรี พร้อมส่ง เงินสด รับประกัน ยี่ห้อ รุ่น ปี เสื้อ รองเท้า แจ็คเก็ต โคมไฟ หนังสือ กล้อง'.split(
        ' ',
      ),
  },
  ja: {
    spaced: false,
    words:
      '中古 美品 販売 価格 新品 箱付き 正規品 サイズ カラー 黒 白 青 スマホ ケース 充電器 自転車 テーブル 椅子 木製 キッチン 送料無料 在庫あり 現金 保証 ブランド 型番 年式 服 靴 ジャケット ライト 本 カメラ レンズ'.split(
        ' ',
      ),
  },
};
const LANGS = Object.keys(WORDS);

/** Emoji that sellers use and that are not wildlife words (animal emoji are spelled out as species). */
const EMOJI = ['🔥', '✨', '💯', '😍', '👍', '📦', '🚚', '❤️', '⭐', '🎁', '✅', '😊', '🙏', '👉'];
const PRICES = ['$120', '45 USD', '500k', '1.200.000đ', '¥300', '฿450', 'Rp 250.000', '€80', 'R$ 90', '3tr5'];
const SPACED_BREAKS = [' ', ' ', ' ', ' ', ', ', '. ', ' - ', '! ', '\n'];
const UNSPACED_BREAKS = ['', '', '', '', '，', '。', '！', ' ', '\n'];

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function corpusBatch(lib: CompiledLibrary, from: number, count: number): TextListing[] {
  const random = prng(0x5eed + from);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const positives = lib.entries.filter((e) => e.kind === 'product' && e.species && e.strength === 'strong');
  const negatives = lib.entries.filter((e) => e.kind === 'negative');
  const sale = lib.entries.filter((e) => e.kind === 'sale');
  const out: TextListing[] = [];
  for (let i = 0; i < count; i++) {
    const lang = pick(LANGS);
    const { spaced, words } = WORDS[lang]!;
    const breaks = spaced ? SPACED_BREAKS : UNSPACED_BREAKS;
    // Each field is joined from its parts once: a flat string, as JSON.parse gives (a string built by
    // repeated concatenation would make the screener flatten it, and time that).
    const phrase = (parts: string[], n: number) => {
      parts.push(pick(words));
      for (let k = 1; k < n; k++) parts.push(random() < 0.2 ? pick(breaks) : spaced ? ' ' : '', pick(words));
    };
    const title: string[] = [];
    const description: string[] = [];
    phrase(title, 3 + Math.floor(random() * 8));
    phrase(description, 10 + Math.floor(random() * 70));
    if (random() < 0.33) description.push(' ', pick(PRICES));
    if (random() < 0.25) title.push(' ', pick(EMOJI));
    if (random() < 0.25) description.unshift(pick(EMOJI), pick(EMOJI), ' ');
    if (random() < 0.25) description.push(' ', pick(EMOJI));
    const roll = random();
    if (roll < 0.01) {
      title.unshift(pick(positives).term, ' ');
      description.push(' ', pick(sale).term, ' +84 912 345 678');
    } else if (roll < 0.04) {
      description.unshift(pick(negatives).term, ' ');
    }
    out.push({ title: title.join(''), description: description.join('') });
  }
  return out;
}
