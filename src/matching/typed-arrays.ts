/** A typed array of the same kind holding a's values, at least `size` long (doubling). */
export function grow<T extends Int32Array | Uint8Array | Float64Array | Float32Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2));
  next.set(a);
  return next;
}
