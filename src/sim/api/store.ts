/**
 * The object store: etcd and the watch cache in one. It keeps objects by kind, namespace and name,
 * hands out resourceVersions, keeps secondary indexes (pods by node, dependents by owner), and tells
 * watchers about every change. It holds no policy: admission, graceful deletion and finalizers live
 * in the API server above it.
 *
 * Objects in the store are never modified in place. Readers must not mutate what they get
 * (under test every stored object is frozen, so a mutation throws).
 */
import { deepEqual, deepFreeze } from './json';
import type { Change, KObject } from './types';

type Watcher = (change: Change) => void;
type IndexFn = (obj: KObject) => readonly string[];

/**
 * One object's place in the store: its current version, and its links in the index buckets. An entry
 * lives as long as the object (a replace swaps `obj` in place), so the maps by name and uid are
 * written only on add and remove.
 */
type Entry = {
  obj: KObject;
  /**
   * The entry's links in the buckets of its index values, one list per index of `indexes`: its old
   * index values (each link's bucket has its value), which a replace would otherwise recompute.
   */
  links: Link[][];
  /** The kind's index list `links` follows (a later addIndex makes a new list: see relink). */
  indexes: Index[] | undefined;
  /** False once removed (an Event waiting in `uidPending` must not enter the uid map after that). */
  live: boolean;
};

/**
 * An index bucket: a doubly linked list in the order the objects were last written (a modified object
 * moves to the end, as a Set with delete + add would have it). Moving a link to the end is a few
 * pointer writes, where a Set of 10,000 pods paid a hash delete and insert per write.
 */
type Bucket = { value: string; head: Link | undefined; tail: Link | undefined; size: number };
type Link = { entry: Entry; bucket: Bucket; prev: Link | undefined; next: Link | undefined };
type Index = { kind: string; fn: IndexFn; map: Map<string, Bucket> };

const FREEZE = (globalThis as any).process?.env?.PODIUM_FREEZE === '1';

const CLUSTER = ''; // namespace key of cluster-scoped objects

export class ObjectStore {
  private rv = 0;
  private readonly kinds = new Map<string, Map<string, Map<string, Entry>>>();
  // Watcher lists are copied on change, never modified, so a write can call them without copying.
  private readonly watchers = new Map<string, Watcher[]>();
  private allWatchers: Watcher[] = [];
  private readonly indexes = new Map<string, Index>();
  /** The indexes that apply to each kind (its own and '*'), built on first use. */
  private readonly kindIndexes = new Map<string, Index[]>();
  private readonly byUid = new Map<string, Entry>();
  /**
   * Events not yet in `byUid`, in the order they were added. An Event owns nothing, so a uid lookup
   * (the garbage collector's, a Job's, for owners) finds what it looks for without them; tens of
   * thousands of events would each cost an insert into the big uid map. A lookup that misses moves
   * them all into the map first, so getByUid answers exactly as if they had been put there on add.
   */
  private uidPending: Entry[] = [];

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.rv;
  }

  nextResourceVersion(): string {
    return String(++this.rv);
  }

  get(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.kinds.get(kind)?.get(namespace ?? CLUSTER)?.get(name)?.obj;
  }

  getByUid(uid: string): KObject | undefined {
    const entry = this.byUid.get(uid);
    if (entry || !this.uidPending.length) return entry?.obj;
    const pending = this.uidPending;
    this.uidPending = [];
    for (const e of pending) if (e.live) this.byUid.set(e.obj.metadata.uid, e);
    return this.byUid.get(uid)?.obj;
  }

  /** Objects of a kind, in one namespace or all; sorted by namespace then name as the API lists them. */
  list(kind: string, namespace?: string): KObject[] {
    const nsMap = this.kinds.get(kind);
    if (!nsMap) return [];
    const out: KObject[] = [];
    if (namespace !== undefined) {
      const m = nsMap.get(namespace);
      if (m) for (const e of m.values()) out.push(e.obj);
    } else {
      for (const m of nsMap.values()) for (const e of m.values()) out.push(e.obj);
    }
    return out.sort(compareObjects);
  }

  /** Number of objects of a kind, without building a list. */
  count(kind: string, namespace?: string): number {
    const nsMap = this.kinds.get(kind);
    if (!nsMap) return 0;
    if (namespace !== undefined) return nsMap.get(namespace)?.size ?? 0;
    let n = 0;
    for (const m of nsMap.values()) n += m.size;
    return n;
  }

  /** Iterate a kind without sorting (cheap; order is insertion order). */
  *each(kind: string, namespace?: string): IterableIterator<KObject> {
    const nsMap = this.kinds.get(kind);
    if (!nsMap) return;
    if (namespace !== undefined) {
      const m = nsMap.get(namespace);
      if (m) for (const e of m.values()) yield e.obj;
      return;
    }
    for (const m of nsMap.values()) for (const e of m.values()) yield e.obj;
  }

  /** Kinds that currently have objects. */
  kindsPresent(): string[] {
    return [...this.kinds.entries()].filter(([, m]) => [...m.values()].some((x) => x.size)).map(([k]) => k);
  }

  /** Declare a secondary index: `fn` gives the index values of an object of `kind` ('*' for every kind). */
  addIndex(name: string, kind: string, fn: IndexFn): void {
    const map = new Map<string, Bucket>();
    const idx: Index = { kind, fn, map };
    this.indexes.set(name, idx);
    this.kindIndexes.clear();
    // Link every object already stored (in store order, as they would have been added).
    for (const [k, nsMap] of this.kinds) {
      if (kind !== '*' && kind !== k) continue;
      const list = this.indexesFor(k);
      for (const m of nsMap.values()) for (const e of m.values()) this.relink(e, list);
    }
  }

  private indexesFor(kind: string): Index[] {
    let list = this.kindIndexes.get(kind);
    if (!list) {
      list = [];
      for (const idx of this.indexes.values()) if (idx.kind === kind || idx.kind === '*') list.push(idx);
      this.kindIndexes.set(kind, list);
    }
    return list;
  }

  /** Objects whose index `name` has `value` (unsorted). */
  byIndex(name: string, value: string): KObject[] {
    const idx = this.indexes.get(name);
    if (!idx) throw new Error(`no index ${name}`);
    const bucket = idx.map.get(value);
    if (!bucket) return [];
    const out = new Array<KObject>(bucket.size);
    let i = 0;
    for (let l = bucket.head; l; l = l.next) out[i++] = l.entry.obj;
    return out;
  }

  /** Size of an index bucket. */
  indexCount(name: string, value: string): number {
    return this.indexes.get(name)?.map.get(value)?.size ?? 0;
  }

  /** Watch one kind. Handlers only queue work; they run synchronously inside the write. */
  watch(kind: string, fn: Watcher): () => void {
    this.watchers.set(kind, [...(this.watchers.get(kind) ?? []), fn]);
    return () => this.watchers.set(kind, without(this.watchers.get(kind) ?? [], fn));
  }

  watchAll(fn: Watcher): () => void {
    this.allWatchers = [...this.allWatchers, fn];
    return () => {
      this.allWatchers = without(this.allWatchers, fn);
    };
  }

  /** Store a new object (identity already assigned by the API server). */
  add(obj: KObject): KObject {
    const ns = obj.metadata.namespace ?? CLUSTER;
    let nsMap = this.kinds.get(obj.kind);
    if (!nsMap) this.kinds.set(obj.kind, (nsMap = new Map()));
    let m = nsMap.get(ns);
    if (!m) nsMap.set(ns, (m = new Map()));
    if (m.has(obj.metadata.name)) throw new Error(`store: ${obj.kind} ${ns}/${obj.metadata.name} exists`);
    obj.metadata.resourceVersion = this.nextResourceVersion();
    if (FREEZE) deepFreeze(obj);
    this.insert(m, obj);
    this.emit({ type: 'ADDED', object: obj });
    return obj;
  }

  /** Put a new object into its namespace map, the uid map and its index buckets. */
  private insert(m: Map<string, Entry>, obj: KObject): void {
    const list = this.indexesFor(obj.kind);
    const entry: Entry = { obj, links: NO_MEMO[list.length] ??= new Array<Link[]>(list.length).fill(NO_LINKS), indexes: list, live: true };
    m.set(obj.metadata.name, entry);
    if (obj.kind === 'Event') this.uidPending.push(entry);
    else this.byUid.set(obj.metadata.uid, entry);
    for (let i = 0; i < list.length; i++) {
      const values = distinct(list[i].fn(obj));
      if (values.length) setLinks(entry, i, linksNew(list[i], values, entry));
    }
  }

  /**
   * Replace an object. The resourceVersion moves only when something really changed; an identical
   * write returns the stored object and tells no one. `changed`: the caller has proved the object
   * differs from the stored one (not deepEqual), so the comparison is skipped.
   */
  replace(obj: KObject, changed = false): KObject {
    const entry = this.kinds.get(obj.kind)?.get(obj.metadata.namespace ?? CLUSTER)?.get(obj.metadata.name);
    if (!entry) throw new Error(`store: ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name} missing`);
    const old = entry.obj;
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (!changed && deepEqual(old, obj)) return old;
    obj.metadata.resourceVersion = this.nextResourceVersion();
    if (FREEZE) deepFreeze(obj);
    if (obj.metadata.uid !== old.metadata.uid) {
      this.byUid.delete(old.metadata.uid);
      this.byUid.set(obj.metadata.uid, entry);
    }
    const list = this.indexesFor(obj.kind);
    if (entry.indexes !== list) this.relink(entry, list);
    entry.obj = obj;
    for (let i = 0; i < list.length; i++) {
      const idx = list[i];
      const after = distinct(idx.fn(obj));
      if (sameValues(entry.links[i], after)) {
        // Same buckets: the object moves to the end of each, as remove + add would move it. Nothing
        // of the new values is kept (the buckets have them), so they die young.
        for (const link of entry.links[i]) moveToEnd(link);
      } else {
        for (const link of entry.links[i]) unlink(idx, link);
        setLinks(entry, i, linksNew(idx, after, entry));
      }
    }
    this.emit({ type: 'MODIFIED', object: obj, old });
    return obj;
  }

  /**
   * Move an entry's memo to the kind's current index list (rebuilt since an index was added): it keeps
   * what it has for the indexes it knew and is linked into the new one (addIndex calls this for
   * every object of the kinds the new index covers, so no other index can be unknown).
   */
  private relink(entry: Entry, list: Index[]): void {
    const prev = entry.indexes ?? [];
    const links = new Array<Link[]>(list.length);
    for (let i = 0; i < list.length; i++) {
      const j = prev.indexOf(list[i]);
      links[i] = j >= 0 ? entry.links[j] : linksNew(list[i], distinct(list[i].fn(entry.obj)), entry);
    }
    entry.links = links;
    entry.indexes = list;
  }

  remove(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    const m = this.kinds.get(kind)?.get(namespace ?? CLUSTER);
    const entry = m?.get(name);
    if (!m || !entry) return undefined;
    const old = entry.obj;
    m.delete(name);
    entry.live = false;
    this.byUid.delete(old.metadata.uid);
    this.unlinkAll(entry);
    this.emit({ type: 'DELETED', object: old });
    return old;
  }

  /** Take an entry out of every index bucket. */
  private unlinkAll(entry: Entry): void {
    const list = this.indexesFor(entry.obj.kind);
    if (entry.indexes !== list) this.relink(entry, list);
    for (let i = 0; i < list.length; i++) for (const link of entry.links[i]) unlink(list[i], link);
  }

  private emit(change: Change): void {
    const list = this.watchers.get(change.object.kind);
    if (list) for (const fn of list) fn(change);
    for (const fn of this.allWatchers) fn(change);
  }

  /** Every object, for snapshots. */
  all(): KObject[] {
    const out: KObject[] = [];
    for (const nsMap of this.kinds.values()) for (const m of nsMap.values()) for (const e of m.values()) out.push(e.obj);
    return out;
  }

  /** Restore from a snapshot: objects keep their resourceVersions; no watcher is told. */
  load(objects: KObject[], resourceVersion: number): void {
    for (const obj of objects) {
      const ns = obj.metadata.namespace ?? CLUSTER;
      let nsMap = this.kinds.get(obj.kind);
      if (!nsMap) this.kinds.set(obj.kind, (nsMap = new Map()));
      let m = nsMap.get(ns);
      if (!m) nsMap.set(ns, (m = new Map()));
      if (FREEZE) deepFreeze(obj);
      const prev = m.get(obj.metadata.name);
      if (prev) this.unlinkAll(prev);
      this.insert(m, obj);
    }
    this.rv = resourceVersion;
  }
}

const NO_LINKS: Link[] = [];
/**
 * The links of an object in no bucket of any of its `n` indexes (most objects: events, for one), one
 * list shared by all of them; setLinks copies it before the first change.
 */
const NO_MEMO: Link[][][] = [];

function setLinks(entry: Entry, i: number, links: Link[]): void {
  if (entry.links === NO_MEMO[entry.links.length]) entry.links = entry.links.slice();
  entry.links[i] = links;
}

/** Link an entry at the end of bucket `v` of `idx` (made if missing); returns the link. */
function linkNew(idx: Index, v: string, entry: Entry): Link {
  let bucket = idx.map.get(v);
  if (!bucket) idx.map.set(v, (bucket = { value: v, head: undefined, tail: undefined, size: 0 }));
  const link: Link = { entry, bucket, prev: bucket.tail, next: undefined };
  if (bucket.tail) bucket.tail.next = link;
  else bucket.head = link;
  bucket.tail = link;
  bucket.size++;
  return link;
}

/** Link an entry into the buckets of `values`; returns the links. */
function linksNew(idx: Index, values: readonly string[], entry: Entry): Link[] {
  if (!values.length) return NO_LINKS;
  const out = new Array<Link>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = linkNew(idx, values[i], entry);
  return out;
}

/** Take a link out of its bucket; an emptied bucket leaves the index. */
function unlink(idx: Index, link: Link): void {
  const bucket = link.bucket;
  if (link.prev) link.prev.next = link.next;
  else bucket.head = link.next;
  if (link.next) link.next.prev = link.prev;
  else bucket.tail = link.prev;
  // An empty bucket leaves the index (unless addIndex already replaced it with a new one of that value).
  if (--bucket.size === 0 && idx.map.get(bucket.value) === bucket) idx.map.delete(bucket.value);
}

function moveToEnd(link: Link): void {
  const bucket = link.bucket;
  if (bucket.tail === link) return;
  if (link.prev) link.prev.next = link.next;
  else bucket.head = link.next;
  link.next!.prev = link.prev;
  link.prev = bucket.tail;
  link.next = undefined;
  bucket.tail!.next = link;
  bucket.tail = link;
}

/** The values without repeats (an object is in a bucket once, however often its index fn names it). */
function distinct(values: readonly string[]): readonly string[] {
  // Index fns return a handful of values: a nested scan allocates nothing (the usual case has no repeat).
  for (let i = 1; i < values.length; i++) {
    for (let j = 0; j < i; j++) if (values[i] === values[j]) return [...new Set(values)];
  }
  return values;
}

/** Whether `links` are in the buckets of `values`, in order. */
function sameValues(links: readonly Link[], values: readonly string[]): boolean {
  if (links.length !== values.length) return false;
  for (let i = 0; i < links.length; i++) if (links[i].bucket.value !== values[i]) return false;
  return true;
}

function without<T>(list: readonly T[], x: T): T[] {
  const i = list.indexOf(x);
  return i < 0 ? [...list] : [...list.slice(0, i), ...list.slice(i + 1)];
}

export function compareObjects(a: KObject, b: KObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
