/**
 * Object shapes. The engine's objects are plain JSON in Kubernetes' own shape; the field types come
 * from `kubernetes-types`, and `KObject` is the common envelope the store handles.
 */
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1';

export type { ObjectMeta, OwnerReference };

/** kubernetes-types marks server-set fields readonly; inside the engine we are the server. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type Meta = Mutable<ObjectMeta>;

/** Any API object the store holds. `spec` and `status` are typed by the kind's own definition. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: Meta & { name: string; uid: string; resourceVersion: string; creationTimestamp: string };
  spec?: any;
  status?: any;
  [field: string]: any;
}

/** What an object looks like before the store has given it identity (as submitted). */
export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [field: string]: any;
}

/** A change the store made, as subscribers see it. */
export type Change =
  | { type: 'ADDED'; object: KObject }
  | { type: 'MODIFIED'; object: KObject; old: KObject }
  | { type: 'DELETED'; object: KObject };

/** An error the API answers with: the HTTP-ish reason, the kubectl-shaped message, the offending field. */
export class ApiError extends Error {
  constructor(
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'Forbidden' | 'MethodNotAllowed' | 'TooManyRequests' | 'InternalError',
    message: string,
    readonly field?: string,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `namespace/name`, or `name` for cluster-scoped objects: the key work queues carry. */
export function keyOf(obj: { metadata: { name?: string; namespace?: string } }): string {
  const { name = '', namespace } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The controller owner reference of an object, if it has one. */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}
