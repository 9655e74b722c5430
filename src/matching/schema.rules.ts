import { MAX_FIELDS, PERSON_FIELDS, type FieldKind, type FieldSpec } from './fields.rules.js';
import type { Dictionary, RecordStore } from './record-store.js';

/** Extra column kinds a caller may force; otherwise they are inferred from the values. */
export type ExtraKind = Extract<FieldKind, 'id' | 'text' | 'category'>;

/**
 * What kind of comparison suits an extra column: a handful of distinct values is a category
 * (state), mostly digits is an identifying number compared by edit distance (postcode, social
 * security number), anything else is free text compared by Jaro–Winkler (street, suburb).
 */
export function inferExtraKind(values: Dictionary): ExtraKind {
  if (values.size <= 60) return 'category';
  let digits = 0;
  let all = 0;
  for (let id = 0; id < values.size; id++) {
    const c = values.counts[id]!;
    all += c;
    if (/^\d[\d ]*$/.test(values.values[id]!)) digits += c;
  }
  return digits >= all * 0.9 ? 'id' : 'text';
}

function present(store: RecordStore, spec: FieldSpec): boolean {
  const n = store.size;
  const col = (a: Int32Array | Uint8Array, missing: number) => {
    for (let i = 0; i < n; i++) if (a[i] !== missing) return true;
    return false;
  };
  switch (spec.kind) {
    case 'given':
      return col(store.given, -1);
    case 'family':
      return col(store.family, -1);
    case 'middle':
      return col(store.middle, -1);
    case 'date':
      return col(store.dob, 0);
    case 'category':
      return spec.name === 'sex' ? col(store.sex, 0) : col(store.country, -1);
    case 'document':
      return col(store.passport, -1);
    case 'anumber':
      return col(store.aNumber, 0);
    case 'id':
    case 'text':
      return true;
  }
}

/**
 * The comparison fields for a store: the person fields that hold any value, then the extra
 * columns with their given or inferred kinds.
 */
export function inferFields(
  store: RecordStore,
  extraKinds: Readonly<Record<string, ExtraKind>> = {},
): FieldSpec[] {
  const fields = PERSON_FIELDS.filter((f) => present(store, f)).map((f) => ({ ...f }));
  store.extraNames.forEach((name, e) => {
    if (store.extraValues[e]!.size === 0) return;
    fields.push({ name, kind: extraKinds[name] ?? inferExtraKind(store.extraValues[e]!), extra: e });
  });
  if (fields.length > MAX_FIELDS) {
    throw new RangeError(`at most ${MAX_FIELDS} comparison fields are supported, got ${fields.length}`);
  }
  return fields;
}
