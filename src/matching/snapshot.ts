import { BlockIndex } from './block-index.js';
import type { BlockingRule } from './blocking.rules.js';
import { Dictionary, RecordStore, STORE_INT_COLUMNS } from './record-store.js';

/** What a comparing worker needs of a record store: its columns and texts (structured-clonable). */
export interface StoreSnapshot {
  size: number;
  extraNames: string[];
  ints: Record<IntColumn, Int32Array<ArrayBuffer>>;
  side: Uint8Array<ArrayBuffer>;
  sex: Uint8Array<ArrayBuffer>;
  extras: Int32Array<ArrayBuffer>[];
  names: string[];
  namePhonetic: Int32Array<ArrayBuffer>;
  documents: string[];
  extraValues: string[][];
}

type IntColumn = (typeof STORE_INT_COLUMNS)[number];

/** The parts of a store that comparison and blocking filters read. */
export function snapshotStore(store: RecordStore): StoreSnapshot {
  const n = store.size;
  const ints = {} as Record<IntColumn, Int32Array<ArrayBuffer>>;
  for (const c of STORE_INT_COLUMNS) ints[c] = store[c].slice(0, n);
  return {
    size: n,
    extraNames: [...store.extraNames],
    ints,
    side: store.side.slice(0, n),
    sex: store.sex.slice(0, n),
    extras: store.extras.map((e) => e.slice(0, n)),
    names: store.names.values,
    namePhonetic: store.namePhonetic.slice(0, store.names.size),
    documents: store.documents.values,
    extraValues: store.extraValues.map((d) => d.values),
  };
}

/** A read-only store rebuilt from a snapshot (no ids, no counts: comparison does not read them). */
export function storeFromSnapshot(snap: StoreSnapshot): RecordStore {
  const store = new RecordStore(snap.extraNames);
  for (const c of STORE_INT_COLUMNS) store[c] = snap.ints[c];
  store.side = snap.side;
  store.sex = snap.sex;
  store.extras = snap.extras;
  store.namePhonetic = snap.namePhonetic;
  Object.assign(store, {
    names: new Dictionary(snap.names),
    documents: new Dictionary(snap.documents),
    extraValues: snap.extraValues.map((v) => new Dictionary(v)),
  });
  store.size = snap.size;
  return store;
}

/** The block entries and slots (the hash table itself is not needed to walk them). */
export interface IndexSnapshot {
  entryStart: Int32Array;
  entrySlot: Int32Array;
  entryNext: Int32Array;
  entryRecord: Int32Array;
  slotRule: Uint8Array;
  slotCount: Int32Array;
  slotHead: Int32Array;
  slots: number;
  entries: number;
  records: number;
}

export function snapshotIndex(index: BlockIndex): IndexSnapshot {
  return {
    entryStart: index.entryStart.slice(0, index.records + 1),
    entrySlot: index.entrySlot.slice(0, index.entries),
    entryNext: index.entryNext.slice(0, index.entries),
    entryRecord: index.entryRecord.slice(0, index.entries),
    slotRule: index.slotRule.slice(0, index.slots),
    slotCount: index.slotCount.slice(0, index.slots),
    slotHead: index.slotHead.slice(0, index.slots),
    slots: index.slots,
    entries: index.entries,
    records: index.records,
  };
}

export function indexFromSnapshot(snap: IndexSnapshot, rules: readonly BlockingRule[]): BlockIndex {
  const index = new BlockIndex(rules, 1);
  Object.assign(index, snap);
  return index;
}
