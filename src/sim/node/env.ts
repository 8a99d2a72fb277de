/**
 * A container's environment, resolved as the kubelet does before it creates the container
 * (kubelet_pods.go makeEnvironmentVariables): `envFrom` first (with its prefix), then `env` in
 * order, `$(VAR)` expanded against what is defined so far. A missing ConfigMap, Secret or key that
 * is not optional stops the container with CreateContainerConfigError and the kubelet's message.
 * Kubernetes service variables are the network's business and are not added here.
 */
import { milliValue, value } from '../api/quantity';
import type { ObjectStore } from '../api/store';
import type { KObject } from '../api/types';

export type EnvResult = { env: [string, string][] } | { error: string };

/** `$(VAR)` expansion as Kubernetes does it: `$$` escapes, an unknown name stays as written. */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      const v = lookup(name);
      out += v ?? `$(${name})`;
      i = end;
    } else {
      out += ch;
    }
  }
  return out;
}

function decode(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return b64;
  }
}

/** The data of a ConfigMap or Secret as strings (Secret data is base64). */
export function objectData(obj: KObject): Record<string, string> {
  const out: Record<string, string> = {};
  if (obj.kind === 'Secret') {
    for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = decode(String(v));
    for (const [k, v] of Object.entries(obj.stringData ?? {})) out[k] = String(v);
  } else {
    for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = String(v);
    for (const [k, v] of Object.entries(obj.binaryData ?? {})) out[k] = decode(String(v));
  }
  return out;
}

/** `metadata.labels['app']`, `status.podIP`, … as the downward API reads them. */
export function fieldPathValue(pod: KObject, path: string, podIP: string | undefined, hostIP: string | undefined): string | undefined {
  const m = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.hostIP':
    case 'status.hostIPs':
      return hostIP ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return podIP ?? '';
    default:
      return undefined;
  }
}

function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}="${m![k]}"`)
    .join('\n');
}

/** `limits.memory` etc. with its divisor, rounded up as the downward API does; limits default to the node's allocatable. */
export function resourceFieldValue(container: any, ref: any, allocatable: Record<string, string>): string | undefined {
  const res: string = ref?.resource ?? '';
  const [kind, name] = res.split('.');
  if ((kind !== 'limits' && kind !== 'requests') || !name) return undefined;
  let q = container?.resources?.[kind]?.[name];
  if (q === undefined && kind === 'limits') q = allocatable[name];
  if (q === undefined && kind === 'requests') q = name === 'cpu' || name === 'memory' ? '0' : undefined;
  if (q === undefined) return undefined;
  if (name === 'cpu') {
    const divisor = ref.divisor !== undefined ? milliValue(ref.divisor) : 1000;
    return String(Math.ceil(milliValue(q) / (divisor || 1000)));
  }
  const divisor = ref.divisor !== undefined ? value(ref.divisor) : 1;
  return String(Math.ceil(value(q) / (divisor || 1)));
}

export type EnvInputs = {
  store: ObjectStore;
  pod: KObject;
  container: any;
  podIP?: string;
  /** The node (its kubelet): read only by a variable that asks for the host IP or a default limit. */
  node: { readonly nodeIP: string; allocatable(): Record<string, string> };
};

function isEmpty(list: unknown): boolean {
  return list === undefined || list === null || (Array.isArray(list) && list.length === 0);
}

/** A container without env or envFrom (most of them): one shared answer. */
const NO_ENV: EnvResult = Object.freeze({ env: Object.freeze([]) as unknown as [string, string][] });

export function resolveEnv({ store, pod, container, podIP, node }: EnvInputs): EnvResult {
  if (isEmpty(container?.envFrom) && isEmpty(container?.env)) return NO_ENV;
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  for (const from of container?.envFrom ?? []) {
    const prefix: string = from.prefix ?? '';
    const source = from.configMapRef ?? from.secretRef;
    if (!source) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const obj = store.get(kind, ns, source.name);
    if (!obj) {
      if (source.optional) continue;
      return { error: `${kind.toLowerCase()} "${source.name}" not found` };
    }
    for (const [k, v] of Object.entries(objectData(obj))) vars.set(prefix + k, v);
  }
  const lookup = (n: string) => vars.get(n);
  for (const e of container?.env ?? []) {
    if (!e?.name) continue;
    if (e.valueFrom) {
      const vf = e.valueFrom;
      const keyRef = vf.configMapKeyRef ?? vf.secretKeyRef;
      if (keyRef) {
        const kind = vf.configMapKeyRef ? 'ConfigMap' : 'Secret';
        const obj = store.get(kind, ns, keyRef.name);
        if (!obj) {
          if (keyRef.optional) continue;
          return { error: `${kind.toLowerCase()} "${keyRef.name}" not found` };
        }
        const data = objectData(obj);
        if (!(keyRef.key in data)) {
          if (keyRef.optional) continue;
          return { error: `couldn't find key ${keyRef.key} in ${kind} ${ns}/${keyRef.name}` };
        }
        vars.set(e.name, data[keyRef.key]);
      } else if (vf.fieldRef) {
        const v = fieldPathValue(pod, vf.fieldRef.fieldPath, podIP, node.nodeIP);
        if (v === undefined) return { error: `unsupported fieldPath: ${vf.fieldRef.fieldPath}` };
        vars.set(e.name, v);
      } else if (vf.resourceFieldRef) {
        const target = vf.resourceFieldRef.containerName
          ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c: any) => c.name === vf.resourceFieldRef.containerName)
          : container;
        const v = resourceFieldValue(target, vf.resourceFieldRef, node.allocatable());
        if (v === undefined) return { error: `unsupported container resource : ${vf.resourceFieldRef.resource}` };
        vars.set(e.name, v);
      }
    } else {
      vars.set(e.name, expandVars(String(e.value ?? ''), lookup));
    }
  }
  return { env: [...vars.entries()] };
}
