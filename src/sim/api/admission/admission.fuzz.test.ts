/**
 * Fuzzing apply: valid manifests mutated (fields deleted, types swapped, absurd numbers, unknown keys,
 * random unicode, broken YAML) must never make `apply` throw; every answer is either an action or an
 * error with a message and, when it has a line, a line inside the text; and the engine keeps working.
 * Seeds that once failed are kept below as regression cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createCluster } from '../../index';
import type { Cluster } from '../../cluster';

const BASES: Record<string, unknown>[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, name: 'http' }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
              env: [{ name: 'MODE', value: 'prod' }],
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'box' },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'box', image: 'busybox', command: ['sh', '-c', 'echo hi'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }],
      tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'] }] } } },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 't', image: 'busybox' }] } } } } },
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1', 'b.txt': 'hello' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, type: 'Opaque', data: { p: 'cGFzcw==' }, stringData: { u: 'admin' } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'ing' },
    spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'hpa' },
    spec: { minReplicas: 1, maxReplicas: 4, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
  },
];

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at.length) out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function edit(root: unknown, path: Path, fn: (parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let node: any = copy;
  for (const seg of path.slice(0, -1)) node = node?.[seg];
  if (node && typeof node === 'object') fn(node, path[path.length - 1]);
  return copy;
}

const weird = fc.oneof(
  fc.constantFrom(1e12, -1, 0, 99999, 2147483648, -2147483649, 1.5, Number.MAX_SAFE_INTEGER, true, false, null, '', ' ', '25%', '101%', '-1', 'Always', '0.1', '1e3', '∞', '\u0000', '*'),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: unknown }
  | { op: 'unknown'; at: number; key: string; value: unknown }
  | { op: 'wrap'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: weird }),
  fc.record({ op: fc.constant('unknown' as const), at: fc.nat(), key: fc.string({ minLength: 1, maxLength: 12 }), value: weird }),
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }),
);

function mutate(base: unknown, muts: Mutation[]): unknown {
  let doc = base;
  for (const m of muts) {
    const all = paths(doc);
    if (!all.length) break;
    const p = all[m.at % all.length];
    if (m.op === 'delete') doc = edit(doc, p, (parent, k) => (Array.isArray(parent) ? parent.splice(Number(k), 1) : delete parent[k]));
    else if (m.op === 'set') doc = edit(doc, p, (parent, k) => (parent[k] = m.value));
    else if (m.op === 'wrap') doc = edit(doc, p, (parent, k) => (parent[k] = [parent[k]]));
    else doc = edit(doc, [...p, m.key], (parent) => {
      if (parent && typeof parent === 'object' && !Array.isArray(parent)) parent[m.key] = m.value;
    });
  }
  return doc;
}

/** Text-level damage: characters inserted, lines cut, indentation shifted. */
const textDamage = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(':', '- ', '{', ']', '\t', '"', "'", '&a ', '*a', '!!binary ', '\n  ', '---\n', '#', '\u2028', '%') }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat() }),
);

function damage(text: string, d: { kind: 'insert' | 'truncate' | 'indent'; at: number; text?: string }): string {
  const i = d.at % (text.length + 1);
  if (d.kind === 'insert') return text.slice(0, i) + d.text + text.slice(i);
  if (d.kind === 'truncate') return text.slice(0, i);
  const lines = text.split('\n');
  const l = d.at % lines.length;
  lines[l] = ` ${lines[l]}`;
  return lines.join('\n');
}

function check(c: Cluster, text: string): void {
  let results;
  try {
    results = c.apply(text);
  } catch (e) {
    throw new Error(`apply threw\n--- input ---\n${text}`, { cause: e });
  }
  const lines = text.split('\n').length;
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) {
    if (r.error) {
      expect(typeof r.error.message === 'string' && r.error.message.length > 0, text).toBe(true);
      expect(r.error.message).not.toMatch(/internal error/);
      if (r.error.line !== undefined) {
        expect(r.error.line, `${r.error.message}\n${text}`).toBeGreaterThanOrEqual(1);
        expect(r.error.line, `${r.error.message}\n${text}`).toBeLessThanOrEqual(lines);
      }
    } else expect(['created', 'configured', 'unchanged']).toContain(r.action);
  }
}

/** The engine still works: a good manifest applies and time moves. */
function stillWorks(c: Cluster): void {
  const [r] = c.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: canary-${c.now}\ndata: {ok: "yes"}\n`);
  expect(r.error).toBeUndefined();
  c.advance(500);
}

/** Inputs that once broke the engine; each must now be answered calmly. */
const REGRESSIONS = [
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: nginx\n    resources: {limits: {cpu: 1e40}}\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {app: d}}\n  template: [1]\n',
  'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [[80]]\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: []}\nspec: {containers: [{name: a, image: b}]}\n',
  'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  selector: {matchExpressions: [{key: a, operator: Bogus}]}\n  template: {spec: {restartPolicy: Never, containers: [{name: a, image: b}]}}\n',
  'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {"": x}\ndata: {"..": "!!"}\n',
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: "\u0000"}\n',
  // A quantity too large to be one was stored as a number, and every reader got NaN.
  'apiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec:\n  containers: [{name: a, image: b, resources: {requests: {memory: 1e40}}}]\n',
];

describe('apply under fuzzing', () => {
  it('keeps its regression cases answered', () => {
    const c = createCluster();
    for (const text of REGRESSIONS) check(c, text);
    stillWorks(c);
  });

  it('never throws on mutated manifests, and answers with a message and a line in the text', () => {
    const c = createCluster({ seed: 3 });
    let n = 0;
    fc.assert(
      fc.property(fc.nat(BASES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(), (b, muts, suffix) => {
        const doc = mutate(BASES[b], muts) as any;
        // Usually a fresh name, sometimes the same one again (an update of what a previous run created).
        if (doc && typeof doc === 'object' && doc.metadata && typeof doc.metadata === 'object' && !Array.isArray(doc.metadata) && suffix % 3) {
          if (typeof doc.metadata.name === 'string') doc.metadata.name = `${doc.metadata.name}-${suffix % 997}`;
        }
        check(c, stringify(doc, { version: '1.1' }));
        if (++n % 400 === 0) c.advance(1000);
      }),
      { numRuns: 1500, seed: 20250101 },
    );
    stillWorks(c);
  }, 60_000);

  it('never throws on broken YAML', () => {
    const c = createCluster({ seed: 4 });
    fc.assert(
      fc.property(fc.nat(BASES.length - 1), fc.array(textDamage, { minLength: 1, maxLength: 3 }), (b, damages) => {
        let text = stringify(BASES[b], { version: '1.1' });
        for (const d of damages) text = damage(text, d);
        check(c, text);
      }),
      { numRuns: 1000, seed: 20250102 },
    );
    stillWorks(c);
  }, 60_000);

  it('never throws on random unicode text', () => {
    const c = createCluster({ seed: 5 });
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        check(c, text);
      }),
      { numRuns: 500, seed: 20250103 },
    );
    stillWorks(c);
  }, 60_000);
});
