/**
 * The API server in front of the store: identity (uid, generateName, creationTimestamp,
 * generation), admission (defaults then validation, per kind), optimistic concurrency, graceful pod
 * deletion, finalizers and the propagation policies of delete. Everything that writes objects —
 * apply, kubectl, controllers, the kubelet — goes through here.
 */
import type { EngineContext } from '../context';
import { AdmissionChain } from './admission/registry';
import { invalidMessage, type FieldError } from './admission/field-errors';
import { clone, deepEqual } from './json';
import { resourceForKind, type ResourceDef } from './resources';
import { ApiError, type KObject, type NewObject } from './types';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';
export type MutateOptions = {
  /**
   * Only the top level and metadata are copied; `fn` must replace, never edit in place, anything deeper.
   */
  shallow?: boolean;
  /**
   * The caller has already found the new value unequal (by deepEqual) to the stored one in a member
   * that `fn` assigns — e.g. the kubelet compares the pod status it built with the stored status — so
   * the whole draft differs from the stored object and the store need not compare again. Pass it only
   * when that holds: an unchanged write must still be dropped and tell no one.
   */
  changed?: boolean;
};
export type DeleteOptions = { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number };

/** Namespaces the API server refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function resourceName(def: ResourceDef | undefined, kind: string): string {
  if (!def) return kind.toLowerCase();
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export class ApiServer {
  readonly admission = new AdmissionChain();

  constructor(private readonly ctx: EngineContext) {}

  private def(kind: string): ResourceDef {
    const def = resourceForKind(kind);
    if (!def) throw new ApiError('BadRequest', `the server could not find the requested resource (kind ${kind})`);
    return def;
  }

  get(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.ctx.store.get(kind, namespace, name);
  }

  /** Run defaults and validation without writing; returns the object as it would be stored. */
  admit(input: NewObject | KObject, old?: KObject): { object: KObject; errors: FieldError[] } {
    const obj = clone(input) as KObject;
    this.admission.defaults(obj, old, this.ctx);
    return { object: obj, errors: this.admission.validate(obj, old, this.ctx) };
  }

  create(input: NewObject, opts: { dryRun?: boolean } = {}): KObject {
    const def = this.def(input.kind);
    const obj = clone(input) as KObject;
    obj.metadata = obj.metadata ?? ({} as KObject['metadata']);
    if (def.namespaced) obj.metadata.namespace = obj.metadata.namespace || 'default';
    else delete obj.metadata.namespace;
    // A generated name was just found free (and nothing writes before the check below): no second look.
    let generated = false;
    if (!obj.metadata.name && obj.metadata.generateName) {
      do obj.metadata.name = obj.metadata.generateName + this.ctx.random.suffix(5);
      while (this.ctx.store.get(obj.kind, obj.metadata.namespace, obj.metadata.name));
      generated = true;
    }
    const name = obj.metadata.name ?? '';
    if (def.namespaced) this.checkNamespace(obj.metadata.namespace!);
    if (name && !generated && this.ctx.store.get(obj.kind, obj.metadata.namespace, name)) {
      throw new ApiError('AlreadyExists', `${resourceName(def, obj.kind)} "${name}" already exists`);
    }
    obj.metadata.uid = this.ctx.random.uuid();
    obj.metadata.creationTimestamp = this.ctx.clock.iso();
    obj.metadata.resourceVersion = '';
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    if (def.generation) obj.metadata.generation = 1;
    else delete obj.metadata.generation;
    this.admission.defaults(obj, undefined, this.ctx);
    this.throwIfInvalid(obj, this.admission.validate(obj, undefined, this.ctx));
    if (opts.dryRun) return obj;
    return this.ctx.store.add(obj);
  }

  /** Update spec and metadata; status is kept as stored (it belongs to the status subresource). */
  update(input: KObject, opts: { dryRun?: boolean } = {}): KObject {
    const def = this.def(input.kind);
    const old = this.mustGet(def, input);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw new ApiError(
        'Conflict',
        `Operation cannot be fulfilled on ${resourceName(def, input.kind)} "${old.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const obj = clone(input);
    this.keepIdentity(obj, old, def);
    if (old.status !== undefined) obj.status = clone(old.status);
    else delete obj.status;
    this.admission.defaults(obj, old, this.ctx);
    this.throwIfInvalid(obj, this.admission.validate(obj, old, this.ctx));
    if (opts.dryRun) return obj;
    return this.store(obj, old);
  }

  /** Update the status only (the status subresource): everything else is kept as stored. */
  updateStatus(input: KObject): KObject {
    const def = this.def(input.kind);
    const old = this.mustGet(def, input);
    const obj = clone(old);
    obj.status = clone(input.status);
    return this.store(obj, old);
  }

  /**
   * Read-modify-write for the engine's own components (controllers, kubelet, scheduler): `fn` edits
   * a private copy; returning false abandons the write. No validation: these writers are trusted.
   * Returns the stored object, or undefined if it no longer exists.
   */
  mutate(kind: string, namespace: string | undefined, name: string, fn: (draft: KObject) => void | boolean, opts: MutateOptions = {}): KObject | undefined {
    const old = this.ctx.store.get(kind, namespace, name);
    if (!old) return undefined;
    // shallow: only the top level and metadata are copied; `fn` must replace, never edit in place,
    // anything deeper (a status write that assigns a new status need not copy the whole spec).
    const draft = opts.shallow ? shallowDraft(old) : clone(old);
    if (fn(draft) === false) return old;
    this.keepIdentity(draft, old, this.def(kind));
    return this.store(draft, old, opts.changed === true);
  }

  delete(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KObject | undefined {
    const def = this.def(kind);
    const old = this.ctx.store.get(kind, def.namespaced ? namespace ?? 'default' : undefined, name);
    if (!old) throw new ApiError('NotFound', `${resourceName(def, kind)} "${name}" not found`);
    if (kind === 'Namespace' && IMMORTAL_NAMESPACES.has(name)) {
      throw new ApiError('Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    const policy = opts.propagationPolicy ?? 'Background';
    const now = this.ctx.clock.iso();
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');

    if (kind === 'Pod') {
      const grace = Math.max(0, opts.gracePeriodSeconds ?? old.spec?.terminationGracePeriodSeconds ?? 30);
      const phase = old.status?.phase;
      // An unscheduled or finished pod has nothing to stop: it goes at once (as the API server does).
      const graceful = grace > 0 && !!old.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
      if (graceful || finalizers.length) {
        return this.mutate(kind, old.metadata.namespace, name, (p) => {
          const deadline = this.ctx.clock.iso(this.ctx.clock.now + (graceful ? grace : 0) * 1000);
          if (!p.metadata.deletionTimestamp || this.ctx.clock.parseIso(deadline) < this.ctx.clock.parseIso(p.metadata.deletionTimestamp)) {
            p.metadata.deletionTimestamp = deadline;
            p.metadata.deletionGracePeriodSeconds = graceful ? grace : 0;
          }
          p.metadata.finalizers = finalizers.length ? finalizers : undefined;
        });
      }
      return this.ctx.store.remove(kind, old.metadata.namespace, name);
    }
    if (kind === 'Namespace') {
      return this.mutate(kind, undefined, name, (ns) => {
        ns.metadata.deletionTimestamp ??= now;
        ns.metadata.finalizers = finalizers.length ? finalizers : undefined;
        ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
      });
    }
    if (finalizers.length) {
      return this.mutate(kind, old.metadata.namespace, name, (o) => {
        o.metadata.deletionTimestamp ??= now;
        o.metadata.deletionGracePeriodSeconds ??= 0;
        o.metadata.finalizers = finalizers;
      });
    }
    return this.ctx.store.remove(kind, old.metadata.namespace, name);
  }

  /** Remove an object outright (the kubelet after termination, a finalizer's last step). */
  remove(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.ctx.store.remove(kind, namespace, name);
  }

  private mustGet(def: ResourceDef, input: KObject | NewObject): KObject {
    const ns = def.namespaced ? input.metadata.namespace || 'default' : undefined;
    const old = this.ctx.store.get(input.kind, ns, input.metadata.name ?? '');
    if (!old) throw new ApiError('NotFound', `${resourceName(def, input.kind)} "${input.metadata.name}" not found`);
    return old;
  }

  private keepIdentity(obj: KObject, old: KObject, def: ResourceDef): void {
    obj.metadata.name = old.metadata.name;
    if (def.namespaced) obj.metadata.namespace = old.metadata.namespace;
    obj.metadata.uid = old.metadata.uid;
    obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (old.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    if (old.metadata.deletionGracePeriodSeconds !== undefined) obj.metadata.deletionGracePeriodSeconds ??= old.metadata.deletionGracePeriodSeconds;
    if (def.generation) obj.metadata.generation = (old.metadata.generation ?? 1) + (deepEqual(old.spec, obj.spec) ? 0 : 1);
  }

  /** Write, or finish a deletion when the last finalizer is gone. */
  private store(obj: KObject, _old: KObject, changed = false): KObject {
    if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length && obj.kind !== 'Pod' && obj.kind !== 'Namespace') {
      this.ctx.store.remove(obj.kind, obj.metadata.namespace, obj.metadata.name);
      return obj;
    }
    if (obj.metadata.finalizers && !obj.metadata.finalizers.length) delete obj.metadata.finalizers;
    return this.ctx.store.replace(obj, changed);
  }

  private checkNamespace(ns: string): void {
    const nsObj = this.ctx.store.get('Namespace', undefined, ns);
    if (!nsObj) throw new ApiError('NotFound', `namespaces "${ns}" not found`);
    if (nsObj.metadata.deletionTimestamp) {
      throw new ApiError('Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  private throwIfInvalid(obj: KObject, errors: FieldError[]): void {
    if (!errors.length) return;
    const e = new ApiError('Invalid', invalidMessage(obj.kind, obj.metadata.name ?? '', errors));
    (e as ApiError & { fieldErrors?: FieldError[] }).fieldErrors = errors;
    throw e;
  }
}

/** A copy of the top level and metadata (without undefined members, as `clone` leaves them out). */
function shallowDraft(obj: KObject): KObject {
  // Spread copies are much faster than a loop of keyed stores, and keep the members' order; the rare
  // object with an undefined member takes the loop, which leaves it out.
  const out = { ...obj };
  const meta = { ...obj.metadata };
  out.metadata = meta;
  for (const k in out) if ((out as Record<string, unknown>)[k] === undefined) return draftWithoutUndefined(obj);
  for (const k in meta) if ((meta as Record<string, unknown>)[k] === undefined) return draftWithoutUndefined(obj);
  return out;
}

function draftWithoutUndefined(obj: KObject): KObject {
  const out: Record<string, unknown> = {};
  for (const k in obj) if ((obj as Record<string, unknown>)[k] !== undefined) out[k] = (obj as Record<string, unknown>)[k];
  const meta: Record<string, unknown> = {};
  for (const k in obj.metadata) if ((obj.metadata as Record<string, unknown>)[k] !== undefined) meta[k] = (obj.metadata as Record<string, unknown>)[k];
  out.metadata = meta;
  return out as KObject;
}

export type InvalidError = ApiError & { fieldErrors?: FieldError[] };
