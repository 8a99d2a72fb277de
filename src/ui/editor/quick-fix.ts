/**
 * Retired apiVersions the workshop decks still use, and the quick fix that rewrites a document to
 * the version served today — the conversions the Kubernetes deprecation guide describes:
 *
 * - Deployment, DaemonSet, ReplicaSet, StatefulSet from extensions/v1beta1, apps/v1beta1, apps/v1beta2
 *   → apps/v1: `spec.selector` became required and immutable, so one is added from the template's
 *   labels when missing; `spec.rollbackTo` is gone.
 * - Ingress from extensions/v1beta1, networking.k8s.io/v1beta1 → networking.k8s.io/v1: every path
 *   gets a `pathType` (ImplementationSpecific, the old behaviour), `serviceName`/`servicePort`
 *   becomes `service: {name, port: {number|name}}`, `spec.backend` becomes `spec.defaultBackend`.
 * - HorizontalPodAutoscaler autoscaling/v2beta1 → autoscaling/v2: `targetAverageUtilization`,
 *   `targetAverageValue`, `targetValue` and `metricName` move into `target` and `metric`.
 * - Everything else in the table only changes its apiVersion (CronJob batch/v1beta1 → batch/v1,
 *   PodDisruptionBudget policy/v1beta1 → policy/v1, NetworkPolicy → networking.k8s.io/v1, …).
 *
 * Comments, key order and the document's other formatting survive: the rewrite works on the YAML
 * document (the `yaml` package's AST), not on a re-serialised object.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';

/** Retired apiVersion → the kinds it carried and where each lives now. */
const MOVED: Record<string, Record<string, string>> = {
  'extensions/v1beta1': { Deployment: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1', Ingress: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1' },
  'apps/v1beta1': { Deployment: 'apps/v1', StatefulSet: 'apps/v1' },
  'apps/v1beta2': { Deployment: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1' },
  'autoscaling/v2beta1': { HorizontalPodAutoscaler: 'autoscaling/v2' },
  'autoscaling/v2beta2': { HorizontalPodAutoscaler: 'autoscaling/v2' },
  'batch/v1beta1': { CronJob: 'batch/v1' },
  'batch/v2alpha1': { CronJob: 'batch/v1' },
  'networking.k8s.io/v1beta1': { Ingress: 'networking.k8s.io/v1', IngressClass: 'networking.k8s.io/v1' },
  'policy/v1beta1': { PodDisruptionBudget: 'policy/v1' },
  'rbac.authorization.k8s.io/v1beta1': { Role: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1', ClusterRole: 'rbac.authorization.k8s.io/v1', ClusterRoleBinding: 'rbac.authorization.k8s.io/v1' },
  'scheduling.k8s.io/v1beta1': { PriorityClass: 'scheduling.k8s.io/v1' },
  'storage.k8s.io/v1beta1': { StorageClass: 'storage.k8s.io/v1' },
  'discovery.k8s.io/v1beta1': { EndpointSlice: 'discovery.k8s.io/v1' },
};

/** The Kubernetes release that stopped serving each retired version. */
const REMOVED_IN: Record<string, string> = {
  'extensions/v1beta1': '1.16 (Ingress: 1.22)',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'autoscaling/v2beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'batch/v1beta1': '1.25',
  'batch/v2alpha1': '1.21',
  'networking.k8s.io/v1beta1': '1.22',
  'policy/v1beta1': '1.25',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'storage.k8s.io/v1beta1': '1.22',
  'discovery.k8s.io/v1beta1': '1.25',
};

export function currentApiVersion(apiVersion: string, kind: string): string | undefined {
  return MOVED[apiVersion]?.[kind];
}

/** One document of a multi-document text: where it is (offsets, end exclusive) and its text. */
export type DocumentSpan = { start: number; end: number; text: string };

/** Split on `---` separator lines, keeping offsets (the separators belong to no document). */
export function splitDocuments(text: string): DocumentSpan[] {
  const spans: DocumentSpan[] = [];
  const re = /^---[^\S\n]*(?:#.*)?$/gm;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    spans.push({ start, end: m.index, text: text.slice(start, m.index) });
    start = Math.min(text.length, m.index + m[0].length + 1);
  }
  spans.push({ start, end: text.length, text: text.slice(start) });
  return spans;
}

export type Retired = {
  apiVersion: string;
  kind: string;
  target: string;
  /** Offsets of the apiVersion value in the whole text. */
  from: number;
  to: number;
  /** The document that holds it. */
  doc: DocumentSpan;
  message: string;
};

/** Every document whose apiVersion is retired and has a current one. */
export function findRetired(text: string): Retired[] {
  const out: Retired[] = [];
  for (const span of splitDocuments(text)) {
    let doc: Document;
    try {
      doc = parseDocument(span.text);
    } catch {
      continue;
    }
    if (!isMap(doc.contents)) continue;
    const av = doc.contents.get('apiVersion', true);
    const kind = doc.contents.get('kind');
    if (!isScalar(av) || typeof av.value !== 'string' || typeof kind !== 'string') continue;
    const target = currentApiVersion(av.value, kind);
    if (!target || !av.range) continue;
    out.push({
      apiVersion: av.value,
      kind,
      target,
      from: span.start + av.range[0],
      to: span.start + av.range[1],
      doc: span,
      message: `${kind} is no longer served at ${av.value} (removed in Kubernetes ${REMOVED_IN[av.value] ?? 'an earlier release'}); use ${target}.`,
    });
  }
  return out;
}

/** Rewrite one document to its current apiVersion. Returns the text unchanged if nothing is retired. */
export function convertDocument(text: string): string {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return text;
  const apiVersion = doc.get('apiVersion');
  const kind = doc.get('kind');
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return text;
  const target = currentApiVersion(apiVersion, kind);
  if (!target) return text;
  doc.set('apiVersion', target);
  if (['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'].includes(kind)) workload(doc);
  else if (kind === 'Ingress') ingress(doc);
  else if (kind === 'HorizontalPodAutoscaler' && apiVersion === 'autoscaling/v2beta1') hpa(doc);
  // Keep the author's sequence style: `- name` under its key, or indented below it.
  const indentSeq = !/^( *)[\w.-]+:\n\1- /m.test(text);
  return doc.toString({ lineWidth: 0, indentSeq });
}

/** Convert every retired document of a text. */
export function convertAll(text: string): string {
  let out = '';
  let last = 0;
  for (const r of findRetired(text)) {
    out += text.slice(last, r.doc.start) + convertDocument(r.doc.text);
    last = r.doc.end;
  }
  return out + text.slice(last);
}

function workload(doc: Document): void {
  doc.deleteIn(['spec', 'rollbackTo']);
  if (doc.hasIn(['spec', 'selector'])) return;
  const labels = doc.getIn(['spec', 'template', 'metadata', 'labels']);
  if (!isMap(labels)) return;
  // apps/v1 requires a selector; the old APIs defaulted it to the template's labels.
  const spec = doc.get('spec') as YAMLMap;
  const selector = doc.createNode({ matchLabels: labels.toJSON() });
  if (labels.flow) (selector.get('matchLabels', true) as unknown as YAMLMap).flow = true;
  const items = spec.items;
  const at = Math.max(0, items.findIndex((p) => isScalar(p.key) && p.key.value === 'template'));
  const pair = doc.createPair('selector', selector);
  items.splice(at, 0, pair as (typeof items)[number]);
}

function backend(doc: Document, path: (string | number)[]): void {
  const b = doc.getIn(path);
  if (!isMap(b) || b.has('service') || b.has('resource')) return;
  const name = b.get('serviceName');
  const port = b.get('servicePort');
  if (name === undefined) return;
  b.delete('serviceName');
  b.delete('servicePort');
  const portNode = typeof port === 'number' || /^\d+$/.test(String(port)) ? { number: Number(port) } : { name: String(port) };
  b.set('service', doc.createNode({ name, port: portNode }));
}

function ingress(doc: Document): void {
  if (doc.hasIn(['spec', 'backend'])) {
    const spec = doc.get('spec') as YAMLMap;
    const pair = spec.items.find((p) => isScalar(p.key) && p.key.value === 'backend');
    if (pair && isScalar(pair.key)) pair.key.value = 'defaultBackend';
    backend(doc, ['spec', 'defaultBackend']);
  }
  const rules = doc.getIn(['spec', 'rules']);
  if (!isSeq(rules)) return;
  rules.items.forEach((_rule, i) => {
    const paths = doc.getIn(['spec', 'rules', i, 'http', 'paths']);
    if (!isSeq(paths)) return;
    paths.items.forEach((p, j) => {
      if (!isMap(p)) return;
      // v1beta1 paths without a pathType behaved as ImplementationSpecific; v1 requires one.
      if (!p.has('pathType')) {
        const at = Math.max(0, p.items.findIndex((x) => isScalar(x.key) && x.key.value === 'path') + 1);
        p.items.splice(at, 0, doc.createPair('pathType', 'ImplementationSpecific') as (typeof p.items)[number]);
      }
      backend(doc, ['spec', 'rules', i, 'http', 'paths', j, 'backend']);
    });
  });
}

function hpa(doc: Document): void {
  const metrics = doc.getIn(['spec', 'metrics']);
  if (!isSeq(metrics)) return;
  metrics.items.forEach((_m, i) => {
    const type = doc.getIn(['spec', 'metrics', i, 'type']);
    if (type === 'Resource' || type === 'ContainerResource') {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const r = doc.getIn(['spec', 'metrics', i, key]);
      if (!isMap(r)) return;
      const util = r.get('targetAverageUtilization');
      const value = r.get('targetAverageValue');
      r.delete('targetAverageUtilization');
      r.delete('targetAverageValue');
      if (util !== undefined) r.set('target', doc.createNode({ type: 'Utilization', averageUtilization: util }));
      else if (value !== undefined) r.set('target', doc.createNode({ type: 'AverageValue', averageValue: value }));
    } else if (type === 'Pods') {
      const r = doc.getIn(['spec', 'metrics', i, 'pods']);
      if (!isMap(r)) return;
      const name = r.get('metricName');
      const selector = r.get('selector', true);
      const value = r.get('targetAverageValue');
      r.items.splice(0);
      r.set('metric', doc.createNode({ name, ...(selector ? { selector: toJS(selector) } : {}) }));
      r.set('target', doc.createNode({ type: 'AverageValue', averageValue: value }));
    } else if (type === 'Object') {
      const r = doc.getIn(['spec', 'metrics', i, 'object']);
      if (!isMap(r)) return;
      const described = r.get('target', true);
      const name = r.get('metricName');
      const selector = r.get('selector', true);
      const value = r.get('targetValue');
      const average = r.get('averageValue');
      r.items.splice(0);
      if (described) r.set('describedObject', doc.createNode(toJS(described)));
      r.set('metric', doc.createNode({ name, ...(selector ? { selector: toJS(selector) } : {}) }));
      r.set('target', doc.createNode(average !== undefined ? { type: 'AverageValue', averageValue: average } : { type: 'Value', value }));
    } else if (type === 'External') {
      const r = doc.getIn(['spec', 'metrics', i, 'external']);
      if (!isMap(r)) return;
      const name = r.get('metricName');
      const selector = r.get('metricSelector', true);
      const value = r.get('targetValue');
      const average = r.get('targetAverageValue');
      r.items.splice(0);
      r.set('metric', doc.createNode({ name, ...(selector ? { selector: toJS(selector) } : {}) }));
      r.set('target', doc.createNode(average !== undefined ? { type: 'AverageValue', averageValue: average } : { type: 'Value', value }));
    }
  });
}

/** A YAML node as plain data. */
function toJS(node: unknown): unknown {
  return node && typeof (node as { toJSON?: unknown }).toJSON === 'function' ? (node as { toJSON(): unknown }).toJSON() : node;
}
