// Paths to shared fixtures, resolved from this file so tests work wherever the repo is cloned
// (CI puts a copy of shared/ beside the repository).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PDQ_FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/pdq/', import.meta.url));
export const PDQ_IMAGES = `${PDQ_FIXTURES}images/`;

export function pdqImage(name: string): Buffer {
  return readFileSync(`${PDQ_IMAGES}${name}`);
}

/** expected.csv as [file, hash] pairs. */
export function expectedPdq(): { file: string; hash: string; source: string }[] {
  return readFileSync(`${PDQ_FIXTURES}expected.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file, hash, source] = line.split(',');
      return { file: file!, hash: hash!, source: source ?? '' };
    });
}
