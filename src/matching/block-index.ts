import type { BlockingRule } from './blocking.rules.js';
import type { RecordStore } from './record-store.js';
import { grow } from './typed-arrays.js';

/**
 * The blocks of a record store: an open-addressing hash table from 32-bit block key to a slot,
 * and per slot a linked list (newest first) of entries in typed arrays. Records can be added one
 * at a time (the incremental index) and a record's candidates are found by walking its slots.
 */
export class BlockIndex {
  private tableKeys: Int32Array;
  private tableSlot: Int32Array;
  private mask: number;
  /** Per slot: record count, newest entry, rule. */
  slotCount = new Int32Array(1024);
  slotHead = new Int32Array(1024);
  slotRule = new Uint8Array(1024);
  slots = 0;
  /** Per entry: record, next older entry of the same slot (-1 at the end), slot. */
  entryRecord = new Int32Array(4096);
  entryNext = new Int32Array(4096);
  entrySlot = new Int32Array(4096);
  entries = 0;
  /** Entries of record i are entryStart[i] .. entryStart[i + 1] - 1. */
  entryStart = new Int32Array(1025);
  records = 0;
  private readonly caps: Int32Array;

  constructor(
    readonly rules: readonly BlockingRule[],
    expected = 1024,
  ) {
    let cap = 1024;
    while (cap < expected * rules.length * 2) cap *= 2;
    this.tableKeys = new Int32Array(cap);
    this.tableSlot = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.caps = Int32Array.from(rules, (r) => r.maxBlock);
  }

  /** The slot of a key, or -1. */
  find(key: number): number {
    let h = (key ^ (key >>> 15)) & this.mask;
    for (;;) {
      const k = this.tableKeys[h]!;
      if (k === key) return this.tableSlot[h]!;
      if (k === 0) return -1;
      h = (h + 1) & this.mask;
    }
  }

  private slotFor(key: number, rule: number): number {
    let h = (key ^ (key >>> 15)) & this.mask;
    for (;;) {
      const k = this.tableKeys[h]!;
      if (k === key) return this.tableSlot[h]!;
      if (k === 0) break;
      h = (h + 1) & this.mask;
    }
    const slot = this.slots++;
    this.tableKeys[h] = key;
    this.tableSlot[h] = slot;
    if (slot >= this.slotCount.length) {
      this.slotCount = grow(this.slotCount, slot + 1);
      this.slotHead = grow(this.slotHead, slot + 1);
      this.slotRule = grow(this.slotRule, slot + 1);
    }
    this.slotCount[slot] = 0;
    this.slotHead[slot] = -1;
    this.slotRule[slot] = rule;
    if (this.slots * 2 > this.tableKeys.length) this.rehash();
    return slot;
  }

  private rehash(): void {
    const oldKeys = this.tableKeys;
    const oldSlots = this.tableSlot;
    this.tableKeys = new Int32Array(oldKeys.length * 2);
    this.tableSlot = new Int32Array(oldKeys.length * 2).fill(-1);
    this.mask = this.tableKeys.length - 1;
    for (let h = 0; h < oldKeys.length; h++) {
      const key = oldKeys[h]!;
      if (key === 0) continue;
      let p = (key ^ (key >>> 15)) & this.mask;
      while (this.tableKeys[p] !== 0) p = (p + 1) & this.mask;
      this.tableKeys[p] = key;
      this.tableSlot[p] = oldSlots[h]!;
    }
  }

  /** Computes record i's keys (distinct) into `out`, with the rule of each in `rulesOut`. */
  keysOf(store: RecordStore, i: number, out: number[], rulesOut: number[]): void {
    out.length = 0;
    rulesOut.length = 0;
    // Each rule appends to `out` directly; a key already there (from an earlier rule) is dropped
    // in place, so the arrays are only truncated when that happens (rarely).
    for (let r = 0; r < this.rules.length; r++) {
      const start = out.length;
      this.rules[r]!.keys(store, i, out);
      let kept = start;
      for (let k = start; k < out.length; k++) {
        const key = out[k]!;
        let seen = false;
        for (let q = 0; q < kept; q++) {
          if (out[q] === key) {
            seen = true;
            break;
          }
        }
        if (seen) continue;
        out[kept++] = key;
        rulesOut.push(r);
      }
      if (kept < out.length) out.length = kept;
    }
  }

  private readonly addKeys: number[] = [];
  private readonly addRules: number[] = [];

  /** Adds record i of the store (records must be added in order 0, 1, 2...). */
  add(store: RecordStore, i: number): void {
    if (i !== this.records) {
      throw new Error(`records must be added in order: expected ${this.records}, got ${i}`);
    }
    this.keysOf(store, i, this.addKeys, this.addRules);
    const need = this.entries + this.addKeys.length;
    if (need > this.entryRecord.length) {
      this.entryRecord = grow(this.entryRecord, need);
      this.entryNext = grow(this.entryNext, need);
      this.entrySlot = grow(this.entrySlot, need);
    }
    for (let k = 0; k < this.addKeys.length; k++) {
      const slot = this.slotFor(this.addKeys[k]!, this.addRules[k]!);
      const e = this.entries++;
      this.entryRecord[e] = i;
      this.entrySlot[e] = slot;
      this.entryNext[e] = this.slotHead[slot]!;
      this.slotHead[slot] = e;
      this.slotCount[slot]!++;
    }
    this.records = i + 1;
    if (this.records + 1 > this.entryStart.length) {
      this.entryStart = grow(this.entryStart, this.records + 1);
    }
    this.entryStart[this.records] = this.entries;
  }

  /** Whether a slot is within its rule's largest block. */
  usable(slot: number): boolean {
    return this.slotCount[slot]! <= this.caps[this.slotRule[slot]!]!;
  }

  /** Number of slots too big to expand, and the entries in them. */
  oversized(): { blocks: number; entries: number } {
    let blocks = 0;
    let entries = 0;
    for (let s = 0; s < this.slots; s++) {
      if (!this.usable(s)) {
        blocks++;
        entries += this.slotCount[s]!;
      }
    }
    return { blocks, entries };
  }
}
