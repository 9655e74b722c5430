/**
 * A phonetic key for names written in the Latin alphabet by people transliterating from many
 * scripts (Arabic, Chinese pinyin and Wade–Giles, Cyrillic, Devanagari, Spanish, Portuguese...).
 *
 * Written here rather than taken from Double Metaphone because Metaphone is tuned for English
 * and keeps the distinctions transliteration blurs: it separates Zhang/Chang, Hsu/Xu,
 * Qiang/Chiang, Giménez/Jiménez, Hwang/Huang. The key keeps the initial sound class and the
 * consonant skeleton; vowels (and y) vanish after the first letter, so Mohammed, Muhammad and
 * Mohamed share "MHMT", and Yousef, Youssef, Yusuf and Yousif share "ASF".
 */

/**
 * Groups of spellings no sound rule can join; every member takes the key of the group's first
 * spelling. Kept small on purpose: general knowledge, not a list fitted to any data set.
 */
const VARIANT_GROUPS: readonly (readonly string[])[] = [
  ['sergei', 'sergey', 'serhiy', 'serhii', 'sergiy'],
  ['nikolai', 'nikolay', 'mykola', 'nicolai'],
  ['mikhail', 'mykhailo', 'michael', 'michail'],
  ['park', 'pak', 'bak', 'bahk'],
  ['lee', 'li', 'yi', 'rhee', 'ri'],
  ['yusuf', 'jusuf', 'yousef', 'youssef'],
  ['mohammed', 'mohd', 'muhd'],
  ['ng', 'wu', 'woo'],
  ['huang', 'hwang', 'wong'],
  ['joseph', 'josef', 'jose'],
];
const VOWEL = new Uint8Array(128);
for (const c of 'aeiouy') VOWEL[c.charCodeAt(0)] = 1;
const isVowel = (c: string | undefined): boolean => c !== undefined && VOWEL[c.charCodeAt(0)] === 1;

/** Digraphs and trigraphs, longest first, replaced by one sound letter ('' = silent). */
const CLUSTERS: readonly (readonly [string, string])[] = [
  ['tsch', 'j'],
  ['sch', 's'],
  ['dzh', 'j'],
  ['tch', 'j'],
  ['ch', 'j'],
  ['zh', 'j'],
  ['dj', 'j'],
  ['cz', 'j'],
  ['sz', 's'],
  ['sh', 's'],
  ['ph', 'f'],
  ['th', 't'],
  ['dh', 't'],
  ['kh', 'k'],
  ['gh', 'k'],
  ['bh', 'b'],
  ['ck', 'k'],
  ['qu', 'k'],
  ['qi', 'ji'],
];

/**
 * The phonetic key of one word (already normalized: lower-case a–z and digits). Words made of
 * digits are returned unchanged.
 */
export function soundKey(word: string): string {
  if (word === '' || /^\d+$/.test(word)) return word;
  let s = word.replace(/[^a-z]/g, '');
  if (s === '') return word;
  // Word-initial spellings of one sound: Hsu/Xu/Shu, Tsui, Knight, Wright.
  if (s.startsWith('hs') || s.startsWith('ts')) s = 's' + s.slice(2);
  else if (s.startsWith('x')) s = 's' + s.slice(1);
  else if (/^(kn|gn|pn|wr)/.test(s)) s = s.slice(1);
  let out = '';
  let i = 0;
  const chars: string[] = [];
  while (i < s.length) {
    let matched = false;
    for (const [from, to] of CLUSTERS) {
      if (s.startsWith(from, i)) {
        for (let c = 0; c < to.length; c++) chars.push(to[c]!);
        i += from.length;
        matched = true;
        break;
      }
    }
    if (!matched) chars.push(s[i++]!);
  }
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    const next = chars[k + 1];
    const prev = chars[k - 1];
    if (prev === c) continue; // doubled letters sound once
    let sound: string;
    switch (c) {
      case 'c':
        sound = next === 'e' || next === 'i' || next === 'y' ? 's' : 'k';
        break;
      case 'g':
        sound = next === 'e' || next === 'i' || next === 'y' ? 'j' : 'k';
        break;
      case 'q':
        sound = 'k';
        break;
      case 'x':
        sound = 'ks';
        break;
      case 'z':
        sound = 's';
        break;
      case 'd':
        sound = 't';
        break;
      case 'w':
        // A consonant only before a vowel at the start or between vowels (Wang, Iwanow); a vowel
        // glide elsewhere (Hwang, Chow, Chowdhury).
        sound = k === 0 || (isVowel(next) && isVowel(prev)) ? 'v' : 'a';
        break;
      case 'h':
        // Kept only where it is heard: first, or after a vowel and before another (Mohammed).
        sound = k === 0 || (isVowel(prev) && isVowel(next)) ? 'h' : '';
        break;
      default:
        sound = c;
    }
    if (k === 0) {
      out += isVowel(sound[0]) ? 'A' : sound.toUpperCase();
      continue;
    }
    for (const ch of sound) {
      if (isVowel(ch)) continue;
      // A final v after a vowel is the Slavic "-ow"/"-ov" or the English "-ow": drop it.
      if (ch === 'v' && k === chars.length - 1 && isVowel(prev)) continue;
      if (out.length > 0 && out[out.length - 1] === ch.toUpperCase()) continue;
      out += ch.toUpperCase();
    }
  }
  return out;
}

let variants: Map<string, string> | undefined;
function variantTable(): Map<string, string> {
  if (variants) return variants;
  variants = new Map<string, string>();
  for (const group of VARIANT_GROUPS) {
    const key = soundKey(group[0]!);
    for (const name of group) if (!variants.has(name)) variants.set(name, key);
  }
  return variants;
}

/** The phonetic key of one word, looking up the small variant table first. */
export function phoneticWord(word: string): string {
  return variantTable().get(word) ?? soundKey(word);
}

/** The phonetic key of a normalized name of one or more words (keys joined by spaces). */
export function phoneticKey(normalizedName: string): string {
  if (normalizedName === '') return '';
  if (!normalizedName.includes(' ')) return phoneticWord(normalizedName);
  return normalizedName.split(' ').map(phoneticWord).join(' ');
}
