import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { MatchIndex, type MatchModel, type MatchRecord } from '../matching/index.js';
import { modelForPopulation } from '../matching/prior.rules.js';
import { trainModel } from './match-training.js';
import {
  activeModelId,
  linksAfter,
  loadModel,
  lockLinking,
  type IndexedLink,
  type StoredModel,
} from './matching.store.js';

/**
 * The application's match index: every currently linked record with its person, in memory, kept
 * in step with the database. Linking takes the linking lock, then `sync` reads the links written
 * since the index last looked (by this or any other process) — so the index is a cache of
 * committed state, never a second source of truth. Records added while linking a batch stay if
 * that transaction commits; if it rolled back, the next `lockedMatcher` rebuilds the index.
 */
export class PersonMatcher {
  private constructor(
    private storedModel: StoredModel,
    private matchIndex: MatchIndex,
    /** Population the model's prior was scaled to; rescaled when the index outgrows it (`rescale`). */
    private builtFor: number,
  ) {}

  get stored(): StoredModel {
    return this.storedModel;
  }

  get index(): MatchIndex {
    return this.matchIndex;
  }

  /** Scores with another model over the same fields (refined with review decisions); false if it differs. */
  swapModel(stored: StoredModel): boolean {
    try {
      this.matchIndex = this.matchIndex.withModel(modelForPopulation(stored.model, this.builtFor));
    } catch {
      return false;
    }
    this.storedModel = stored;
    return true;
  }

  /** Highest person_links id the index has read. */
  private mark = 0;
  /** Index position, record version and person of each record key. */
  private readonly positions = new Map<string, { i: number; pk: string; personId: string }>();
  /** Positions `add` created since the last `renamePeople` (the only ones a rename can touch). */
  private addedSinceRename: { i: number; pk: string; personId: string }[] = [];
  /** The transaction that last changed the index outside `sync`; see `lockedMatcher`. */
  lastWriter: string | null = null;

  static async build(tx: Transaction<DB>, stored: StoredModel): Promise<PersonMatcher> {
    const links = await readAllLinks(tx, 0);
    const model = modelForPopulation(stored.model, links.length);
    const matcher = new PersonMatcher(stored, MatchIndex.create(model), Math.max(links.length, 1));
    matcher.apply(links);
    return matcher;
  }

  get model(): MatchModel {
    return this.index.model;
  }

  /** Whether the population has outgrown the prior the index was built with. */
  get stale(): boolean {
    return this.index.size > 2 * this.builtFor && this.index.size > 10_000;
  }

  /**
   * Scales the model's prior to the current population, keeping the indexed records and blocks
   * (`MatchIndex.withModel`): the same scores a rebuild would give, without re-reading every link
   * from the database while the linking lock is held (a stall of every departure in flight).
   */
  rescale(): void {
    this.matchIndex = this.matchIndex.withModel(modelForPopulation(this.storedModel.model, this.index.size));
    this.builtFor = this.index.size;
  }

  /** Highest person_links id the index has read (or skipped as its own). */
  get watermark(): number {
    return this.mark;
  }

  /** Reads the links written since the last look, by this process or any other. */
  async sync(tx: Transaction<DB>): Promise<void> {
    this.apply(await readAllLinks(tx, this.mark));
  }

  private apply(links: IndexedLink[]): void {
    for (const l of links) {
      const key = l.record.id;
      const known = this.positions.get(key);
      if (known && known.pk === l.sourceRecordPk) {
        // Added while linking (or moved by a merge or split): only the person may have changed.
        if (known.personId !== l.personId) this.index.reassign(known.i, l.personId);
        known.personId = l.personId;
      } else {
        if (known) this.index.retire(known.i);
        const i = this.index.add(l.record, l.personId);
        this.positions.set(key, { i, pk: l.sourceRecordPk, personId: l.personId });
      }
      this.mark = Math.max(this.mark, l.linkId);
    }
  }

  /**
   * Moves the watermark past links the current transaction wrote for records it has already added
   * (`add`, `renamePeople`): valid only under the linking lock, which every writer of person_links
   * holds, and after `sync` has read everything before them.
   */
  skipOwnLinks(lastLinkId: number | null): void {
    if (lastLinkId !== null) this.mark = Math.max(this.mark, lastLinkId);
  }

  /** Takes a record key's current entry out of matching (a new version of it is being linked). */
  retireKey(key: string): void {
    const known = this.positions.get(key);
    if (!known) return;
    this.index.retire(known.i);
    this.positions.delete(key);
  }

  /** Adds a record being linked in the current transaction (its link row is read as known by sync). */
  add(record: MatchRecord, personId: string, pk: string): void {
    const i = this.index.add(record, personId);
    const position = { i, pk, personId };
    this.positions.set(record.id, position);
    this.addedSinceRename.push(position);
  }

  /**
   * Gives provisional people (clusters) their stored ids. Only records added since the last call
   * can carry a provisional id: looking at those, not at every position, keeps a group's cost
   * independent of the index's size (the whole map was 1.3% of the stream's server CPU at ~15k).
   */
  renamePeople(ids: ReadonlyMap<string, string>): void {
    for (const [from, to] of ids) this.index.renameCluster(from, to);
    for (const p of this.addedSinceRename) {
      const to = ids.get(p.personId);
      if (to !== undefined) p.personId = to;
    }
    this.addedSinceRename = [];
  }
}

const PAGE = 50_000;

async function readAllLinks(tx: Transaction<DB>, after: number): Promise<IndexedLink[]> {
  const all: IndexedLink[] = [];
  for (let from = after; ;) {
    const page = await linksAfter(tx, from, PAGE);
    all.push(...page);
    if (page.length < PAGE) return all;
    from = page[page.length - 1]!.linkId;
  }
}

/** One matcher per database (keyed by app_meta.database_id), shared by every transaction of the process. */
const matchers = new Map<string, PersonMatcher>();

/**
 * Takes the linking lock and returns the database's matcher, brought up to date: built on first
 * use, rebuilt when the active model changed or the population outgrew its prior, and rebuilt when
 * the transaction that last linked through it was rolled back (its records would be phantoms).
 * With no model yet, one is estimated first (see match-training.ts). The caller is about to change
 * the index: it is marked as written by this transaction.
 */
export async function lockedMatcher(tx: Transaction<DB>, actor = 'system'): Promise<PersonMatcher> {
  await lockLinking(tx);
  // A process usually serves one database: the status of its matcher's last writer is read in the
  // same round trip, and read again below only if the database turns out to be another.
  const [guessId, guess] = matchers.size === 1 ? [...matchers][0]! : [undefined, undefined];
  const meta = await sql<{
    database_id: string | null;
    model_id: string | null;
    txid: string;
    last_status: string | null;
    newer_links: boolean;
  }>`
    SELECT (SELECT value->>'id' FROM app_meta WHERE key = 'database_id') AS database_id,
           (SELECT id::text FROM match_models WHERE active) AS model_id,
           txid_current()::text AS txid,
           ${statusOf(guess?.lastWriter ?? null)} AS last_status,
           EXISTS (SELECT 1 FROM person_links
                   WHERE id > ${guess?.watermark ?? 0} AND unlinked_at IS NULL) AS newer_links`.execute(tx);
  const row = meta.rows[0];
  if (!row) throw new Error('could not read the database id');
  const databaseId = row.database_id ?? 'default';
  const modelId = row.model_id ?? (await trainModel(tx, actor));
  let matcher = matchers.get(databaseId);
  const usable =
    matcher !== undefined &&
    (await committedOrCurrent(
      tx,
      matcher.lastWriter,
      row.txid,
      databaseId === guessId ? row.last_status : undefined,
    ));
  if (matcher && usable && matcher.stored.id !== modelId) {
    const stored = await loadModel(tx, modelId);
    if (!stored || !matcher.swapModel(stored)) matcher = undefined;
  }
  if (matcher && usable) {
    // What sync would read, asked in the query above for the guessed matcher: nothing newer, no query.
    if (matcher !== guess || row.newer_links) await matcher.sync(tx);
    if (matcher.stale) matcher.rescale();
  } else {
    const stored = await loadModel(tx, modelId);
    if (!stored) throw new Error(`match model ${modelId} is missing`);
    matcher = await PersonMatcher.build(tx, stored);
    matchers.set(databaseId, matcher);
  }
  matcher.lastWriter = row.txid;
  return matcher;
}

/**
 * Whether the transaction `last` committed (or is the current one, `current`); `knownStatus` is
 * its txid_status when already read (then no query).
 */
async function committedOrCurrent(
  tx: Transaction<DB>,
  last: string | null,
  current: string,
  knownStatus?: string | null,
): Promise<boolean> {
  if (last === null || last === current) return true;
  if (knownStatus !== undefined) return knownStatus === 'committed';
  const status = await sql<{ status: string | null }>`SELECT ${statusOf(last)} AS status`.execute(tx);
  return status.rows[0]?.status === 'committed';
}

/**
 * txid_status of `txid`, or NULL when this database has not assigned that id yet: the id may
 * come from a matcher of another database or cluster (the single-matcher guess above, a restored
 * copy), and txid_status raises 'transaction ID … is in the future' for such ids. NULL reads as
 * not committed, so the matcher is rebuilt.
 */
function statusOf(txid: string | null) {
  return sql<string | null>`CASE WHEN ${txid}::bigint < txid_snapshot_xmax(txid_current_snapshot())
    THEN txid_status(${txid}::bigint) END`;
}

/**
 * Builds the database's match index ahead of the first request (a server calls it at start): the
 * first departure then waits for its own match only. Does nothing when there is no model yet.
 */
export async function warmMatcher(db: Kysely<DB>): Promise<number> {
  if ((await activeModelId(db)) === null) return 0;
  return db.transaction().execute(async (tx) => (await lockedMatcher(tx)).index.size);
}

/** The active model's id without locking (for display). */
export { activeModelId };
