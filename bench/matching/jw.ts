import { jaroWinkler } from '../../src/matching/jaro-winkler.js';

/** A straightforward Jaro–Winkler (arrays allocated per call), the reference the hot path must beat. */
function naiveJaroWinkler(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  if (!a.length || !b.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const ma = new Array<boolean>(a.length).fill(false);
  const mb = new Array<boolean>(b.length).fill(false);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (!mb[j] && a[i] === b[j]) {
        ma[i] = mb[j] = true;
        m++;
        break;
      }
    }
  }
  if (!m) return 0;
  const sa = a.split('').filter((_, i) => ma[i]);
  const sb = b.split('').filter((_, j) => mb[j]);
  const t = sa.filter((c, k) => c !== sb[k]).length / 2;
  const jaro = (m / a.length + m / b.length + (m - t) / m) / 3;
  let p = 0;
  while (p < 4 && a[p] === b[p]) p++;
  return jaro > 0.7 ? jaro + p * 0.1 * (1 - jaro) : jaro;
}

const NAMES = [
  'mohammed',
  'muhammad',
  'yousef',
  'youssef',
  'garcia lopez',
  'garcia',
  'nguyen',
  'ngyuen',
  'martha',
  'marhta',
  'alexander',
  'aleksandr',
  'zhang',
  'chang',
  'okonkwo',
  'okonkow',
];

/** Calls per second of the engine's Jaro–Winkler and of the naive one, on the same name pairs. */
export function benchJaroWinkler(rounds = 200_000): {
  handWrittenPerSecond: number;
  naivePerSecond: number;
  speedup: number;
} {
  const run = (fn: (a: string, b: string) => number) => {
    let sink = 0;
    const start = performance.now();
    for (let r = 0; r < rounds; r++) {
      const a = NAMES[r % NAMES.length]!;
      const b = NAMES[(r * 7 + 3) % NAMES.length]!;
      sink += fn(a, b);
    }
    const seconds = (performance.now() - start) / 1000;
    if (sink < 0) throw new Error('unreachable');
    return rounds / seconds;
  };
  run(jaroWinkler);
  run(naiveJaroWinkler);
  const handWrittenPerSecond = run(jaroWinkler);
  const naivePerSecond = run(naiveJaroWinkler);
  return { handWrittenPerSecond, naivePerSecond, speedup: handWrittenPerSecond / naivePerSecond };
}
