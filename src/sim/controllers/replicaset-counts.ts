/**
 * Per-ReplicaSet tallies of its active pods, kept up to date from pod watch events, so that a sync
 * of a ReplicaSet with 10,000 pods does not walk all 10,000 to learn what its claim would do and
 * what its status says. For each ReplicaSet the controller has looked at, we count the pods it
 * controls (its uid in their controller reference) that are active (FilterActivePods), and of those
 * how many no longer match its selector (claim would release them), carry every template label
 * (fullyLabeledReplicas) and are Ready (readyReplicas).
 *
 * A tally is made by a full count the first time it is asked for and whenever the ReplicaSet's
 * selector or template labels change; after that every pod ADDED / MODIFIED / DELETED adjusts it
 * (the store calls watchers synchronously inside the write, so a tally is never behind the store).
 * `recount` is the definition; the property test checks the incremental tallies against it.
 */
import type { ObjectStore } from '../api/store';
import { fromLabelSelector, matches, type Selector } from '../api/selectors';
import { deepEqual } from '../api/json';
import type { Change, KObject } from '../api/types';
import { isPodActive, isPodReady, ownedBy } from './controller-utils';

export type PodTally = {
  /** Active pods controlled by the ReplicaSet. */
  active: number;
  /** Of those, pods whose labels no longer match the selector. */
  mismatched: number;
  /** Of those, pods carrying every label of the template. */
  fullyLabeled: number;
  /** Of those, pods whose Ready condition is True. */
  ready: number;
};

type Tally = PodTally & {
  /** What the tally was counted against (the ReplicaSet's spec.selector and template labels). */
  selectorSource: unknown;
  labelsSource: unknown;
  selector: Selector;
  templateLabels: [string, string][];
};

export class ReplicaSetPodTallies {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly store: ObjectStore) {}

  /** Keep the tallies current: call for every pod change. */
  onPod(c: Change): void {
    if (!this.tallies.size) return;
    if (c.type === 'MODIFIED' && sameContribution(c.old, c.object)) return;
    if (c.type !== 'ADDED') {
      const old = c.type === 'MODIFIED' ? c.old : c.object;
      const t = this.tallies.get(controllerUid(old));
      if (t) add(t, old, -1);
    }
    if (c.type !== 'DELETED') {
      const t = this.tallies.get(controllerUid(c.object));
      if (t) add(t, c.object, 1);
    }
  }

  /** A ReplicaSet went away: forget its tally. */
  forget(uid: string): void {
    this.tallies.delete(uid);
  }

  /** The tally of `rs` against its current selector and template labels. Do not modify it. */
  of(rs: KObject): Readonly<PodTally> {
    const uid = rs.metadata.uid;
    const selectorSource = rs.spec?.selector;
    const labelsSource = rs.spec?.template?.metadata?.labels;
    let t = this.tallies.get(uid);
    if (t && (t.selectorSource !== selectorSource || t.labelsSource !== labelsSource)) {
      // A new version of the ReplicaSet: the same selector and labels keep the tally (most updates).
      if (deepEqual(t.selectorSource, selectorSource) && deepEqual(t.labelsSource, labelsSource)) {
        t.selectorSource = selectorSource;
        t.labelsSource = labelsSource;
      } else t = undefined;
    }
    if (!t) {
      t = {
        active: 0,
        mismatched: 0,
        fullyLabeled: 0,
        ready: 0,
        selectorSource,
        labelsSource,
        selector: fromLabelSelector(selectorSource),
        templateLabels: Object.entries((labelsSource ?? {}) as Record<string, string>),
      };
      for (const pod of ownedBy(this.store, 'Pod', uid)) add(t, pod, 1);
      this.tallies.set(uid, t);
    }
    return t;
  }

  /** The tally counted from scratch (what `of` must always equal). */
  static recount(store: ObjectStore, rs: KObject): PodTally {
    const t: Tally = {
      active: 0,
      mismatched: 0,
      fullyLabeled: 0,
      ready: 0,
      selectorSource: undefined,
      labelsSource: undefined,
      selector: fromLabelSelector(rs.spec?.selector),
      templateLabels: Object.entries((rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>),
    };
    for (const pod of ownedBy(store, 'Pod', rs.metadata.uid)) add(t, pod, 1);
    return { active: t.active, mismatched: t.mismatched, fullyLabeled: t.fullyLabeled, ready: t.ready };
  }
}

/** Count `pod` into `t` (sign 1) or out of it (sign -1). */
function add(t: Tally, pod: KObject, sign: 1 | -1): void {
  if (!isPodActive(pod)) return;
  t.active += sign;
  const labels = pod.metadata.labels;
  if (!matches(t.selector, labels)) t.mismatched += sign;
  if (hasAll(labels, t.templateLabels)) t.fullyLabeled += sign;
  if (isPodReady(pod)) t.ready += sign;
}

export function hasAll(labels: Record<string, string> | undefined, want: readonly [string, string][]): boolean {
  const l = labels ?? {};
  for (let i = 0; i < want.length; i++) if (l[want[i][0]] !== want[i][1]) return false;
  return true;
}

/**
 * Whether two versions of a pod count the same in every tally (so taking one out and putting the
 * other in changes nothing): the same controller, the same labels object (labels are all the
 * selector and template-label tests read), and the same active and Ready answers. A kubelet status
 * write that changes neither phase nor readiness is the common case, and costs no selector match.
 */
function sameContribution(old: KObject, pod: KObject): boolean {
  return (
    old.metadata.labels === pod.metadata.labels &&
    isPodActive(old) === isPodActive(pod) &&
    // The same conditions list (the kubelet keeps it when no condition changed) reads the same Ready.
    (old.status?.conditions === pod.status?.conditions || isPodReady(old) === isPodReady(pod)) &&
    (old.metadata.ownerReferences === pod.metadata.ownerReferences || controllerUid(old) === controllerUid(pod))
  );
}

/** The uid in the pod's controller reference ('' for none), as the controller index keys it. */
function controllerUid(pod: KObject): string {
  const refs = pod.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i].controller) return refs[i].uid;
  return '';
}
