import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { Rng } from '../../src/demo/rng.js';
import { addDays } from '../../src/lifecycle/stay.rules.js';

/**
 * People's admissions, departures and applications written straight into the projection tables
 * (with their source records and identities), for tests and benchmarks of the overstay batch.
 * Every field is under the test's control, including the ones ingest would never produce.
 */
export interface AdmissionSpec {
  code?: string;
  rid?: string;
  cls?: string;
  on: string;
  until?: string | null;
  ds?: boolean;
}
export interface DepartureSpec {
  code?: string;
  rid?: string;
  on: string;
  self?: boolean;
}
export interface ApplicationSpec {
  code?: string;
  rid?: string;
  kind?: 'extension' | 'change_of_status' | 'adjustment_of_status';
  receipt?: string;
  filed: string;
  outcome?: 'pending' | 'approved' | 'denied' | 'withdrawn';
  decided?: string | null;
  requested?: string | null;
  approvedUntil?: string | null;
}
export interface PersonSpec {
  /** What the case is about (test names, failure messages). */
  label: string;
  adm: AdmissionSpec[];
  dep?: DepartureSpec[];
  app?: ApplicationSpec[];
  /** Country of citizenship on each identity record (one per record, in order; null for none). */
  countries?: (string | null)[];
  /** The SQL is expected to leave this person to the pure rules. */
  hybrid?: boolean;
  /** Admissions not linked to the person (linked to nobody). */
  unlinked?: boolean;
}

/** Source systems the specs use besides the defaults (I94, EXIT, USCIS, SELF). */
export const EXTRA_SOURCES = ['APIS', 'I94W', 'CLAIMS'];

export async function ensureSpecSources(db: Kysely<DB>): Promise<void> {
  for (const code of EXTRA_SOURCES) {
    await db
      .insertInto('source_systems')
      .values({ code, name: code })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
}

type Kind = 'admission' | 'departure' | 'application';
interface PlannedRecord {
  person: number;
  kind: Kind;
  code: string;
  rid: string;
  country: string | null;
  row: Record<string, unknown>;
}

let ridSeq = 0;
const nextRid = (code: string) => `${code}-${(ridSeq += 7) % 100_003}`;

/** Writes the people and their records; returns the person ids, in the order of `specs`. */
export async function writePeople(db: Kysely<DB>, specs: PersonSpec[]): Promise<string[]> {
  const sources = new Map(
    (await db.selectFrom('source_systems').select(['id', 'code']).execute()).map((s) => [s.code, s.id]),
  );
  const people = await sql<{ id: string }>`
    INSERT INTO people (created_at) SELECT now() FROM generate_series(1, ${specs.length}::int) RETURNING id`.execute(
    db,
  );
  const ids = people.rows.map((p) => p.id).sort((a, b) => Number(a) - Number(b));
  const planned: PlannedRecord[] = [];
  specs.forEach((spec, person) => {
    const country = (i: number) => spec.countries?.[i] ?? null;
    let i = 0;
    for (const a of spec.adm) {
      const code = a.code ?? 'I94';
      planned.push({
        person,
        kind: 'admission',
        code,
        rid: a.rid ?? nextRid(code),
        country: country(i++),
        row: {
          class_of_admission: a.cls ?? 'B2',
          admitted_on: a.on,
          admit_until: a.until === undefined ? (a.ds ? null : addDays(a.on, 180)) : a.until,
          duration_of_status: a.ds ?? false,
        },
      });
    }
    for (const d of spec.dep ?? []) {
      const code = d.code ?? (d.self ? 'SELF' : 'EXIT');
      planned.push({
        person,
        kind: 'departure',
        code,
        rid: d.rid ?? nextRid(code),
        country: country(i++),
        row: { departed_on: d.on, self_reported: d.self ?? false },
      });
    }
    for (const a of spec.app ?? []) {
      const code = a.code ?? 'USCIS';
      const rid = a.rid ?? nextRid(code);
      planned.push({
        person,
        kind: 'application',
        code,
        rid,
        country: country(i++),
        row: {
          receipt_number: a.receipt ?? `SYN${rid.replace(/\D/g, '')}`,
          kind: a.kind ?? 'extension',
          filed_on: a.filed,
          decided_on: a.decided ?? null,
          outcome: a.outcome ?? 'pending',
          requested_class: a.requested ?? null,
          approved_until: a.approvedUntil ?? null,
        },
      });
    }
  });
  for (let start = 0; start < planned.length; start += 500) {
    const chunk = planned.slice(start, start + 500);
    const sourceId = (code: string) => {
      const id = sources.get(code);
      if (id === undefined) throw new Error(`unknown source ${code}`);
      return id;
    };
    const records = await db
      .insertInto('source_records')
      .values(
        chunk.map((r, k) => ({
          source_id: sourceId(r.code),
          source_record_id: r.rid,
          version: 1,
          checksum: `c${start + k}`,
          record_type: r.kind,
          data: '{}',
          raw: '',
          file_name: 'overstay-facts',
          line_number: String(start + k + 1),
        })),
      )
      .returning('id')
      .execute();
    const rows = chunk.map((r, k) => {
      const spec = specs[r.person];
      const linked = !(spec?.unlinked && r.kind === 'admission');
      return {
        source_id: sourceId(r.code),
        source_record_id: r.rid,
        source_record_pk: records[k]?.id ?? '0',
        person_id: linked ? (ids[r.person] ?? null) : null,
        ...r.row,
        // An admission carries the country of its own record, as ingest projects it.
        ...(r.kind === 'admission' && { country_of_citizenship: r.country }),
      };
    });
    const of = (kind: Kind) => rows.filter((_, k) => chunk[k]?.kind === kind);
    if (of('admission').length) {
      await db
        .insertInto('admissions')
        .values(of('admission') as never)
        .execute();
    }
    if (of('departure').length) {
      await db
        .insertInto('departures')
        .values(of('departure') as never)
        .execute();
    }
    if (of('application').length) {
      await db
        .insertInto('applications')
        .values(of('application') as never)
        .execute();
    }
    await db
      .insertInto('record_identities')
      .values(
        chunk.map((r, k) => ({
          source_id: sourceId(r.code),
          source_record_id: r.rid,
          source_record_pk: records[k]?.id ?? '0',
          record_type: r.kind,
          person_id: ids[r.person] ?? null,
          country_of_citizenship: r.country,
        })),
      )
      .execute();
  }
  return ids;
}

const CLASSES = ['B1', 'B2', 'F1', 'H1B', 'WT', 'J1'];
const COUNTRIES = ['NGA', 'IND', 'MEX', 'BRA', null];
const KINDS = ['extension', 'change_of_status', 'adjustment_of_status'] as const;
const OUTCOMES = ['pending', 'approved', 'denied', 'withdrawn'] as const;

/**
 * A random person around `asOf`: one to three admissions (some on the same day, some after
 * as-of), departures near them (some before, some on an admission day, some self-reported),
 * and now and then an application with every kind of decision and date problem.
 */
export function randomPerson(rng: Rng, asOf: string, n: number): PersonSpec {
  const day = (from: string, lo: number, hi: number) => addDays(from, rng.int(lo, hi));
  const base = addDays(asOf, -rng.int(30, 900));
  const adm: AdmissionSpec[] = [];
  const nAdm = rng.weighted([
    [1, 60],
    [2, 28],
    [3, 12],
  ] as const);
  for (let i = 0; i < nAdm; i++) {
    const prev = adm.at(-1)?.on;
    const on = prev && rng.chance(0.15) ? prev : day(prev ?? base, prev ? 1 : 0, prev ? 400 : 0);
    const ds = rng.chance(0.15);
    const until = ds
      ? rng.chance(0.2)
        ? day(on, 30, 300)
        : null
      : rng.weighted<string | null>([
          [day(on, 0, 400), 85],
          [null, 5],
          [day(on, -60, -1), 10],
        ]);
    adm.push({ on, until, ds, cls: rng.pick(CLASSES), code: rng.chance(0.2) ? 'I94W' : 'I94' });
  }
  const anchor = () => rng.pick(adm).on;
  const dep: DepartureSpec[] = [];
  const nDep = rng.weighted([
    [0, 30],
    [1, 45],
    [2, 18],
    [3, 7],
  ] as const);
  for (let i = 0; i < nDep; i++) {
    const self = rng.chance(0.2);
    const on = rng.chance(0.1) ? anchor() : rng.chance(0.2) && dep[0] ? dep[0].on : day(anchor(), -30, 420);
    dep.push({ on, self, code: self ? 'SELF' : rng.chance(0.3) ? 'APIS' : 'EXIT' });
  }
  const app: ApplicationSpec[] = [];
  const nApp = rng.weighted([
    [0, 60],
    [1, 32],
    [2, 8],
  ] as const);
  for (let i = 0; i < nApp; i++) {
    const kind = rng.pick(KINDS);
    const filed = day(anchor(), -15, 420);
    const outcome = rng.pick(OUTCOMES);
    const decided =
      outcome === 'pending'
        ? rng.chance(0.15)
          ? day(filed, 1, 200)
          : null
        : rng.chance(0.1)
          ? null
          : day(filed, -20, 400);
    const approvedUntil =
      outcome === 'approved' && rng.chance(kind === 'adjustment_of_status' ? 0.3 : 0.7)
        ? day(decided ?? filed, 30, 700)
        : rng.chance(0.05)
          ? day(filed, 30, 300)
          : null;
    app.push({
      kind,
      filed,
      outcome,
      decided,
      approvedUntil,
      requested: rng.chance(0.5) ? rng.pick(CLASSES) : null,
      code: rng.chance(0.2) ? 'CLAIMS' : 'USCIS',
    });
  }
  const records = adm.length + dep.length + app.length;
  const countries = Array.from({ length: records }, () => rng.pick(COUNTRIES));
  return { label: `random person ${n}`, adm, dep, app, countries };
}
