import { PairComparator } from './compare.rules.js';
import { levelName, PERSON_FIELDS, unpack, type FieldSpec } from './fields.rules.js';
import { specsOf, type MatchModel } from './model.rules.js';
import { RecordStore, type MatchRecord } from './record-store.js';

/** The comparison of two records: the packed vector, the level name of each field, crossed names. */
export interface RecordComparison {
  pattern: number;
  levels: Record<string, string>;
  namesSwapped: boolean;
}

/**
 * Compares two records outside any index: with a model's fields (so the vector can label a
 * review decision for refineModel), or with the person fields.
 */
export function compareRecords(a: MatchRecord, b: MatchRecord, model?: MatchModel): RecordComparison {
  const fields: readonly FieldSpec[] = model ? specsOf(model) : PERSON_FIELDS;
  const store = new RecordStore(model?.extraColumns ?? []);
  store.add(a);
  store.add(b);
  const comparator = new PairComparator(store, fields);
  const pattern = comparator.compare(0, 1);
  const levels: Record<string, string> = {};
  unpack(pattern, fields.length).forEach((l, f) => {
    levels[fields[f]!.name] = levelName(fields[f]!.kind, l);
  });
  return { pattern, levels, namesSwapped: comparator.swapped };
}
