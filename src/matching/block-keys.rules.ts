/**
 * Hashing of blocking keys: 32-bit keys from a few integers, and keys for identifying numbers
 * that survive one mistyped digit. Pure functions used by the blocking rules.
 */

function mixIn(h: number, v: number): number {
  const x = h ^ Math.imul(v, 0xcc9e2d51);
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

/** 32-bit mix of up to three integers and a rule salt (murmur3 finalizer); never 0. */
export function hashKey(salt: number, a: number, b = 0, c = 0): number {
  let h = Math.imul(salt ^ 0x9e3779b9, 0x85ebca6b);
  h = mixIn(h, a);
  h = mixIn(h, b);
  h = mixIn(h, c);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}

/**
 * The number with each one character deleted in turn: two numbers one substitution, insertion,
 * deletion or adjacent swap apart share one of these keys, and the keys stay as selective as the
 * number itself at any scale.
 */
export function deletionKeys(value: string, salt: number, out: number[]): void {
  if (value.length > 16) {
    out.push(hashKey(salt, textHash(value)));
    return;
  }
  for (let k = 0; k < value.length; k++) {
    const key = hashKey(salt, textHash(value.slice(0, k) + value.slice(k + 1)));
    if (!out.includes(key)) out.push(key);
  }
}

/**
 * Keys for the first and the second half of an identifying number: one mistyped or transposed
 * digit leaves one half intact, so the pair still meets. (An exact key would miss it.)
 */
export function halves(value: string, salt: number, with_: number, out: number[]): void {
  const mid = Math.ceil(value.length / 2);
  out.push(
    hashKey(salt, textHash(value.slice(0, mid)), 1, with_),
    hashKey(salt, textHash(value.slice(mid)), 2, with_),
  );
}

export function averageLength(values: readonly string[]): number {
  let total = 0;
  for (const v of values) total += v.length;
  return values.length ? total / values.length : 0;
}

function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h;
}
