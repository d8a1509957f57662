// Product-form cues in every language: a part or form of an animal ("chifre", "sừng", "claw") beside its
// species makes a product; an object noun or making word ("statue", "tượng", "patung") makes a material a
// product but beside a bare species name only describes a likeness; a negated cue ("no tiger fangs") adds
// nothing.
import { describe, expect, it } from 'vitest';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { screenWith } from '../../../detectors/text/index.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';

const lib = compileLibrary(loadLibraryFromDir());
const score = (title: string, description = '') => screenWith(lib, { title, description }).score;
const verdict = (title: string, description = '') => screenWith(lib, { title, description }).verdict;

describe('product-form cues', () => {
  it('make a part named beside its species a product, in languages beyond English', () => {
    // "Original horn ... of rhinoceros, 2.1 kg, we also sell it as powder"
    expect(verdict('Chifre original', 'Chifre original de rinoceronte, 2,1 kg, também vendemos em pó.')).toBe(
      'review',
    );
    expect(verdict('Original', 'Original de rinoceronte, 2,1 kg.')).toBe('allow');
  });

  it('weigh an object noun beside a material, and not beside a bare species name', () => {
    expect(verdict('Marfim', '20 cm')).toBe('allow'); // "ivory" alone may be a colour
    expect(verdict('Marfim, escultura', '20 cm')).toBe('review'); // an ivory sculpture
    // Wooden elephant statues and tiger's-eye bracelets are likenesses, priced like any decoration.
    expect(score('Patung gajah kayu', 'Patung kayu jati, hiasan rumah, RM120')).toBe(
      score('Gajah kayu', 'Kayu jati, hiasan rumah, RM120'),
    );
    expect(verdict('Tượng voi gỗ hương', 'Tượng voi phong thủy bằng gỗ, cao 40cm, giá 2tr')).toBe('allow');
  });

  it('make an ambiguous material a product when an object noun or making word stands right beside it', () => {
    for (const title of [
      'Ivory card case',
      'Pair of inlaid ivory doors',
      'Miniature on ivory, a lady',
      '#ivory #netsuke',
    ]) {
      expect(verdict(title), title).toBe('review');
    }
    // Across a clause, or in a phrase that says what the thing really is, an object adds only a little.
    expect(verdict('Ivory. Card case sold separately')).toBe('allow');
    expect(verdict('Ivory silk dress')).toBe('allow');
    expect(verdict('Artificial बाघ नख लॉकेट (resin replica)')).toBe('allow');
  });

  it('count nothing for a cue the listing negates', () => {
    // "a small brass Buddha to wear, without tiger fangs or animal parts. $20"
    const listing = 'ព្រះពុទ្ធរូបលង្ហិនតូច សម្រាប់ពាក់ក គ្មានចង្កូមខ្លា ឬផ្នែកសត្វ។ $20';
    expect(verdict('ព្រះពុទ្ធរូបលង្ហិន', listing)).toBe('allow');
    expect(verdict('ព្រះពុទ្ធរូបលង្ហិន', listing.replace('គ្មាន', ''))).toBe('review');
  });
});
