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
type Index = { kind: string; fn: IndexFn; map: Map<string, Set<KObject>> };

const FREEZE = (globalThis as any).process?.env?.PODIUM_FREEZE === '1';

const CLUSTER = ''; // namespace key of cluster-scoped objects

export class ObjectStore {
  private rv = 0;
  private readonly kinds = new Map<string, Map<string, Map<string, KObject>>>();
  // Watcher lists are copied on change, never modified, so a write can call them without copying.
  private readonly watchers = new Map<string, Watcher[]>();
  private allWatchers: Watcher[] = [];
  private readonly indexes = new Map<string, Index>();
  /** The indexes that apply to each kind (its own and '*'), built on first use. */
  private readonly kindIndexes = new Map<string, Index[]>();
  private readonly byUid = new Map<string, KObject>();

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.rv;
  }

  nextResourceVersion(): string {
    return String(++this.rv);
  }

  get(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.kinds.get(kind)?.get(namespace ?? CLUSTER)?.get(name);
  }

  getByUid(uid: string): KObject | undefined {
    return this.byUid.get(uid);
  }

  /** Objects of a kind, in one namespace or all; sorted by namespace then name as the API lists them. */
  list(kind: string, namespace?: string): KObject[] {
    const nsMap = this.kinds.get(kind);
    if (!nsMap) return [];
    const out: KObject[] = [];
    if (namespace !== undefined) {
      const m = nsMap.get(namespace);
      if (m) for (const o of m.values()) out.push(o);
    } else {
      for (const m of nsMap.values()) for (const o of m.values()) out.push(o);
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
      if (m) yield* m.values();
      return;
    }
    for (const m of nsMap.values()) yield* m.values();
  }

  /** Kinds that currently have objects. */
  kindsPresent(): string[] {
    return [...this.kinds.entries()].filter(([, m]) => [...m.values()].some((x) => x.size)).map(([k]) => k);
  }

  /** Declare a secondary index: `fn` gives the index values of an object of `kind` ('*' for every kind). */
  addIndex(name: string, kind: string, fn: IndexFn): void {
    const map = new Map<string, Set<KObject>>();
    const idx: Index = { kind, fn, map };
    this.indexes.set(name, idx);
    this.kindIndexes.clear();
    for (const obj of kind === '*' ? this.all() : this.each(kind)) indexAdd(idx, obj);
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
    const set = idx.map.get(value);
    return set ? [...set] : [];
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
    m.set(obj.metadata.name, obj);
    this.byUid.set(obj.metadata.uid, obj);
    for (const idx of this.indexesFor(obj.kind)) indexAdd(idx, obj);
    this.emit({ type: 'ADDED', object: obj });
    return obj;
  }

  /**
   * Replace an object. The resourceVersion moves only when something really changed; an identical
   * write returns the stored object and tells no one.
   */
  replace(obj: KObject): KObject {
    const old = this.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
    if (!old) throw new Error(`store: ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name} missing`);
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(old, obj)) return old;
    obj.metadata.resourceVersion = this.nextResourceVersion();
    if (FREEZE) deepFreeze(obj);
    this.kinds.get(obj.kind)!.get(obj.metadata.namespace ?? CLUSTER)!.set(obj.metadata.name, obj);
    this.byUid.set(obj.metadata.uid, obj);
    for (const idx of this.indexesFor(obj.kind)) {
      const before = idx.fn(old);
      const after = idx.fn(obj);
      if (sameValues(before, after)) {
        // Same buckets: swap the object in place of the old one (it moves to the end, as remove + add would).
        for (const v of after) {
          const set = idx.map.get(v)!;
          set.delete(old);
          set.add(obj);
        }
        continue;
      }
      indexRemove(idx, old, before);
      indexAdd(idx, obj, after);
    }
    this.emit({ type: 'MODIFIED', object: obj, old });
    return obj;
  }

  remove(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    const m = this.kinds.get(kind)?.get(namespace ?? CLUSTER);
    const old = m?.get(name);
    if (!m || !old) return undefined;
    m.delete(name);
    this.byUid.delete(old.metadata.uid);
    for (const idx of this.indexesFor(kind)) indexRemove(idx, old);
    this.emit({ type: 'DELETED', object: old });
    return old;
  }

  private emit(change: Change): void {
    const list = this.watchers.get(change.object.kind);
    if (list) for (const fn of list) fn(change);
    for (const fn of this.allWatchers) fn(change);
  }

  /** Every object, for snapshots. */
  all(): KObject[] {
    const out: KObject[] = [];
    for (const nsMap of this.kinds.values()) for (const m of nsMap.values()) out.push(...m.values());
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
      m.set(obj.metadata.name, obj);
      this.byUid.set(obj.metadata.uid, obj);
      for (const idx of this.indexesFor(obj.kind)) indexAdd(idx, obj);
    }
    this.rv = resourceVersion;
  }
}

function indexAdd(idx: Index, obj: KObject, values = idx.fn(obj)): void {
  for (const v of values) {
    let set = idx.map.get(v);
    if (!set) idx.map.set(v, (set = new Set()));
    set.add(obj);
  }
}

function indexRemove(idx: Index, obj: KObject, values = idx.fn(obj)): void {
  for (const v of values) {
    const set = idx.map.get(v);
    if (!set) continue;
    set.delete(obj);
    if (!set.size) idx.map.delete(v);
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  // A value listed twice would make the in-place swap differ from remove + add; take the long way.
  return a.length < 2 || new Set(a).size === a.length;
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
