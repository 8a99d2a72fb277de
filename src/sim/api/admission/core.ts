/**
 * The core/v1 kinds beside Pods and Services: Namespace, ConfigMap, Secret, PersistentVolumeClaim,
 * PersistentVolume, Node, ServiceAccount. Defaults as pkg/apis/core/v1/defaults.go and the
 * registries set them; validation as pkg/apis/core/validation words it.
 */
import type { KObject } from '../types';
import { deepEqual, isPlainObject } from '../json';
import type { AdmissionPlugin } from './registry';
import { forbidden, invalid, named, notSupported, required, tooLong, type FieldError } from './field-errors';
import { isConfigMapKey, isQualifiedName, utf8Length } from './validation';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const MAX_CONFIG_SIZE = 1024 * 1024;
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of a string's UTF-8 bytes (a Secret's stringData becomes data this way). */
export function base64Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64[(n >> 18) & 63] + BASE64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? BASE64[n & 63] : '=';
  }
  return out;
}

/** Bytes a base64 text decodes to (for size limits). */
const decodedLength = (b64: string) => Math.floor((b64.replace(/=+$/, '').length * 3) / 4);

/** Keys of data maps: valid config keys, printed `data[key]` as the API server prints map keys. */
function validateDataKeys(m: unknown, field: string): FieldError[] {
  if (!obj(m)) return [];
  const errs: FieldError[] = [];
  for (const k of Object.keys(m)) for (const e of isConfigMapKey(k)) errs.push(named(invalid([field, k], k, e), `${field}[${k}]`));
  return errs;
}

function validateConfigMap(cm: KObject): FieldError[] {
  const errs = [...validateDataKeys(cm.data, 'data'), ...validateDataKeys(cm.binaryData, 'binaryData')];
  let size = 0;
  if (obj(cm.data)) {
    for (const [k, v] of Object.entries(cm.data)) {
      size += utf8Length(k) + (typeof v === 'string' ? utf8Length(v) : 0);
      if (obj(cm.binaryData) && k in cm.binaryData) errs.push(named(invalid(['data', k], k, 'duplicate of key present in binaryData'), `data[${k}]`));
    }
  }
  if (obj(cm.binaryData)) for (const [k, v] of Object.entries(cm.binaryData)) size += utf8Length(k) + (typeof v === 'string' ? decodedLength(v) : 0);
  if (size > MAX_CONFIG_SIZE) errs.push(tooLong([], `must have at most ${MAX_CONFIG_SIZE} bytes`));
  return errs;
}

function defaultSecret(secret: KObject): void {
  secret.type ||= 'Opaque';
  // stringData is write-only: merged into data (base64) and never stored.
  if (obj(secret.stringData)) {
    const data = obj(secret.data) ? secret.data : (secret.data = {});
    for (const [k, v] of Object.entries(secret.stringData)) if (typeof v === 'string') data[k] = base64Encode(v);
    delete secret.stringData;
  }
}

function validateSecret(secret: KObject, old: KObject | undefined): FieldError[] {
  const errs = validateDataKeys(secret.data, 'data');
  let size = 0;
  if (obj(secret.data)) for (const [k, v] of Object.entries(secret.data)) size += utf8Length(k) + (typeof v === 'string' ? decodedLength(v) : 0);
  if (size > MAX_CONFIG_SIZE) errs.push(tooLong(['data'], `must have at most ${MAX_CONFIG_SIZE} bytes`));
  const data = obj(secret.data) ? secret.data : {};
  const need = (key: string) => {
    if (!(key in data)) errs.push(named(required(['data']), `data[${key}]`));
  };
  switch (secret.type) {
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
    case 'kubernetes.io/dockerconfigjson':
      need('.dockerconfigjson');
      break;
    case 'kubernetes.io/dockercfg':
      need('.dockercfg');
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) errs.push(named(required(['data']), 'data[username]'));
      break;
    case 'kubernetes.io/ssh-auth':
      need('ssh-privatekey');
      break;
  }
  if (old) {
    if (secret.type !== old.type) errs.push(invalid(['type'], secret.type, 'field is immutable'));
    if (old.immutable === true && !deepEqual(secret.data, old.data)) errs.push(forbidden(['data'], 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function defaultNamespace(ns: KObject, old: KObject | undefined): void {
  const s = obj(ns.spec) ? ns.spec : (ns.spec = {});
  if (!list(s.finalizers).length) s.finalizers = ['kubernetes'];
  if (!old) ns.status = { phase: 'Active' };
  // The API server keeps this label equal to the name, whatever is written there.
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
}

function defaultPVC(pvc: KObject, old: KObject | undefined): void {
  const s = obj(pvc.spec) ? pvc.spec : (pvc.spec = {});
  s.volumeMode ||= 'Filesystem';
  if (!old && (!obj(pvc.status) || !pvc.status.phase)) pvc.status = { phase: 'Pending' };
}

function validatePVCSpec(s: Record<string, any>, path: (string | number)[]): FieldError[] {
  const errs: FieldError[] = [];
  const modes = list(s.accessModes);
  if (!modes.length) errs.push(required([...path, 'accessModes'], 'at least 1 access mode is required'));
  for (const [i, m] of modes.entries()) if (!ACCESS_MODES.includes(m)) errs.push(notSupported([...path, 'accessModes', i], m, ACCESS_MODES));
  if (!s.dataSource && !s.dataSourceRef) {
    const storage = obj(s.resources) && obj(s.resources.requests) ? s.resources.requests.storage : undefined;
    if (storage === undefined) errs.push(named(required([...path, 'resources']), `${path.join('.')}.resources[storage]`));
  }
  if (s.volumeMode !== undefined && !['Block', 'Filesystem'].includes(s.volumeMode)) errs.push(notSupported([...path, 'volumeMode'], s.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

function validatePVC(pvc: KObject, old: KObject | undefined): FieldError[] {
  const s = obj(pvc.spec) ? pvc.spec : {};
  const errs = validatePVCSpec(s, ['spec']);
  if (old) {
    const strip = (x: any) => ({ ...(x ?? {}), resources: undefined, volumeAttributesClassName: undefined, volumeName: undefined });
    if (!deepEqual(strip(s), strip(old.spec))) {
      errs.push(forbidden(['spec'], 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    }
  }
  return errs;
}

function defaultPV(pv: KObject, old: KObject | undefined): void {
  const s = obj(pv.spec) ? pv.spec : (pv.spec = {});
  s.persistentVolumeReclaimPolicy ||= 'Retain';
  s.volumeMode ||= 'Filesystem';
  if (!old && (!obj(pv.status) || !pv.status.phase)) pv.status = { phase: 'Pending' };
}

function validatePV(pv: KObject): FieldError[] {
  const s = obj(pv.spec) ? pv.spec : {};
  const errs: FieldError[] = [];
  const modes = list(s.accessModes);
  if (!modes.length) errs.push(required(['spec', 'accessModes'], 'must specify at least 1 access mode'));
  for (const [i, m] of modes.entries()) if (!ACCESS_MODES.includes(m)) errs.push(notSupported(['spec', 'accessModes', i], m, ACCESS_MODES));
  if (!obj(s.capacity) || s.capacity.storage === undefined) errs.push(required(['spec', 'capacity'], 'must specify storage'));
  const policies = ['Delete', 'Recycle', 'Retain'];
  if (!policies.includes(s.persistentVolumeReclaimPolicy)) errs.push(notSupported(['spec', 'persistentVolumeReclaimPolicy'], s.persistentVolumeReclaimPolicy, policies));
  return errs;
}

function validateNode(node: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const taints = obj(node.spec) ? list(node.spec.taints) : [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    if (!obj(t)) return;
    const p = ['spec', 'taints', i];
    if (!t.key) errs.push(required([...p, 'key']));
    else for (const e of isQualifiedName(t.key)) errs.push(invalid([...p, 'key'], t.key, e));
    if (!t.effect) errs.push(required([...p, 'effect']));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(notSupported([...p, 'effect'], t.effect, TAINT_EFFECTS));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(invalid(p, t.key, `taints must be unique by key and effect pair`));
    seen.add(key);
  });
  return errs;
}

export const corePlugins: AdmissionPlugin[] = [
  { name: 'Namespace', kinds: ['Namespace'], default: (ns, old) => defaultNamespace(ns, old) },
  { name: 'ConfigMap', kinds: ['ConfigMap'], validate: (cm) => validateConfigMap(cm) },
  { name: 'Secret', kinds: ['Secret'], default: (s) => defaultSecret(s), validate: (s, old) => validateSecret(s, old) },
  { name: 'PersistentVolumeClaim', kinds: ['PersistentVolumeClaim'], default: (p, old) => defaultPVC(p, old), validate: (p, old) => validatePVC(p, old) },
  { name: 'PersistentVolume', kinds: ['PersistentVolume'], default: (p, old) => defaultPV(p, old), validate: (p) => validatePV(p) },
  { name: 'Node', kinds: ['Node'], validate: (n) => validateNode(n) },
];

export { validatePVCSpec };
