// A juvenile named beside a live-traded species ("star tortoise babies", "bébé ouistiti") is how live
// animals are advertised: it brings a species name or a weak live-animal term to review on its own. The
// word must sit beside the term, in its clause; a juvenile elsewhere, of a species not sold alive, or under
// a lookalike ("plush") adds nothing.
import { describe, expect, it } from 'vitest';
import { compileLibrary } from '../../../detectors/text/compile.ts';
import { screenWith } from '../../../detectors/text/index.ts';
import { loadLibraryFromDir } from '../../../keywords/load.ts';

const lib = compileLibrary(loadLibraryFromDir());
const verdict = (title: string, description = '') => screenWith(lib, { title, description }).verdict;

describe('juveniles of live-traded species', () => {
  it('brings a species name with a juvenile beside it to review, and not the name alone', () => {
    expect(verdict('Star tortoise babies', 'healthy, eating well')).toBe('review');
    expect(verdict('Star tortoise', 'healthy, eating well')).toBe('allow');
    expect(verdict('Baby star tortoise', 'healthy, eating well')).toBe('review');
    expect(verdict('Otter pups, two left', 'raised indoors')).toBe('review');
    expect(verdict('Otter', 'raised indoors')).toBe('allow');
  });

  it('names the species the listing sells: star tortoises are not radiated tortoises', () => {
    const species = (title: string) => screenWith(lib, { title, description: '' }).species;
    expect(species('Star tortoise hatchling for sale')).toEqual(['indian-star-tortoise']);
    expect(species('Radiated tortoise hatchling for sale')).toEqual(['radiated-tortoise']);
  });

  it('reads juveniles in other languages', () => {
    expect(verdict('Bébé ouistiti', 'très doux')).toBe('review');
    expect(verdict('Ouistiti', 'très doux')).toBe('allow');
    expect(verdict('Filhotes de mão-de-ouro', 'muito mansos')).toBe('review');
  });

  it('adds nothing for a juvenile elsewhere in the listing', () => {
    expect(verdict('Star tortoise in our garden today', 'The baby slept through it all.')).toBe('allow');
  });

  it('adds nothing for a species not sold alive', () => {
    expect(verdict('Elephant babies', 'at the waterhole')).toBe('allow');
  });

  it('keeps a lookalike qualifying the term', () => {
    expect(verdict('Otter babies plush toy', 'soft and washable')).toBe('allow');
  });
});
