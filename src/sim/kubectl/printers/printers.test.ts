import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { EPOCH_MS } from '../../clock';
import { executeJsonPath, executeJsonPathAsJson, formatAge, podStatusSummary, printObjects, printYaml, printJson, WatchPrinter } from './index';
import { tabwrite } from './describe/tabwriter';

const ts = (ms: number) => new Date(EPOCH_MS + ms).toISOString().replace('.000Z', 'Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, uid: name, resourceVersion: '1', creationTimestamp: ts(0), ...extra });
const pod = (name: string, status: any, spec: any = { containers: [{ name: 'app', image: 'nginx' }] }, m: Record<string, unknown> = { namespace: 'default' }): KObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, m), spec, status }) as KObject;

describe('formatAge (duration.HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [-1500, '0s'],
    [-3000, '<invalid>'],
    [5_000, '5s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [(3 * 60 + 5) * 60_000, '3h5m'],
    [8 * 3600_000, '8h'],
    [(2 * 24 + 3) * 3600_000, '2d3h'],
    [9 * 24 * 3600_000, '9d'],
    [(3 * 365 + 10) * 24 * 3600_000, '3y10d'],
  ])('%d ms is %s', (ms, want) => expect(formatAge(ms)).toBe(want));
});

describe('pod STATUS, READY and RESTARTS as kubectl computes them', () => {
  const now = 100_000;
  it('ContainerCreating while waiting, Running once ready', () => {
    expect(podStatusSummary(pod('p', { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }), now)).toEqual({
      ready: '0/1',
      status: 'ContainerCreating',
      restarts: '0',
    });
    expect(podStatusSummary(pod('p', { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] }), now).status).toBe('Running');
  });
  it('CrashLoopBackOff with restarts and the age of the last one', () => {
    const s = podStatusSummary(
      pod('p', {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ts(58_000) } } }],
      }),
      now,
    );
    expect(s).toEqual({ ready: '0/1', status: 'CrashLoopBackOff', restarts: '3 (42s ago)' });
  });
  it('Init:0/1 while the first init container runs, Init:Error when it failed', () => {
    const spec = { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] };
    expect(podStatusSummary(pod('p', { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { running: {} } }] }, spec), now).status).toBe('Init:0/1');
    expect(podStatusSummary(pod('p', { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, spec), now).status).toBe('Init:Error');
  });
  it('Completed, OOMKilled, Terminating', () => {
    expect(podStatusSummary(pod('p', { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), now).status).toBe('Completed');
    expect(podStatusSummary(pod('p', { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }), now).status).toBe('OOMKilled');
    const deleting = pod('p', { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: { running: {} } }] }, undefined, { namespace: 'default', deletionTimestamp: ts(90_000) });
    expect(podStatusSummary(deleting, now).status).toBe('Terminating');
  });
});

describe('tables', () => {
  const svc = (name: string, spec: any, status: any = {}): KObject => ({ apiVersion: 'v1', kind: 'Service', metadata: meta(name, { namespace: 'default' }), spec, status }) as KObject;
  it('services: columns three spaces apart, NodePort and pending LoadBalancer', () => {
    const out = printObjects(
      [
        svc('web', { type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
        svc('lb', { type: 'LoadBalancer', clusterIP: '10.96.0.21', ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }),
      ],
      { now: 65_000 },
    );
    expect(out).toBe(
      [
        'NAME   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE',
        'web    NodePort       10.96.0.20   <none>        80:30080/TCP    65s',
        'lb     LoadBalancer   10.96.0.21   <pending>     443:31443/TCP   65s',
        '',
      ].join('\n'),
    );
  });
  it('-A, -L and --show-labels decorate the table; -o name prints kind/name', () => {
    const p = pod('web-1', { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] }, undefined, { namespace: 'shop', labels: { app: 'web', 'app.kubernetes.io/tier': 'fe' } });
    expect(printObjects([p], { now: 1000, allNamespaces: true, labelColumns: ['app.kubernetes.io/tier'], showLabels: true })).toBe(
      'NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   TIER   LABELS\nshop        web-1   1/1     Running   0          1s    fe     app=web,app.kubernetes.io/tier=fe\n',
    );
    expect(printObjects([p], { now: 0, output: 'name' })).toBe('pod/web-1\n');
  });
  it('nodes: Ready,SchedulingDisabled and roles', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta('cp', { labels: { 'node-role.kubernetes.io/control-plane': '' } }),
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.30.2' } },
    } as KObject;
    expect(printObjects([node], { now: 3 * 3600_000 + 5 * 60_000, noHeaders: true })).toBe('cp    Ready,SchedulingDisabled   control-plane   3h5m   v1.30.2\n');
  });
  it('jobs: STATUS COMPLETIONS DURATION', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('pi', { namespace: 'default' }),
      spec: { completions: 1 },
      status: { succeeded: 1, startTime: ts(0), completionTime: ts(12_000), conditions: [{ type: 'Complete', status: 'True' }] },
    } as KObject;
    expect(printObjects([job], { now: 60_000 })).toBe('NAME   STATUS     COMPLETIONS   DURATION   AGE\npi     Complete   1/1           12s        60s\n');
  });
  it('a watch keeps the widths it printed and widens for a longer row', () => {
    const w = new WatchPrinter({ now: 0, noHeaders: false });
    const first = w.start([pod('a', { phase: 'Pending' })], 'Pod');
    expect(first).toBe('NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Pending   0          0s\n');
    expect(w.row(pod('a', { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: { running: {} } }] }), 2000)).toBe('a      1/1     Running   0          2s\n');
  });
});

describe('yaml and json', () => {
  it('sorts keys, keeps lists unindented and quotes like go-yaml', () => {
    const obj = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', resourceVersion: '12', creationTimestamp: ts(0) }, data: { a: 'true', b: 'x: y', c: '' }, list: ['1', 'z'] };
    expect(printYaml(obj)).toBe(
      'apiVersion: v1\ndata:\n  a: "true"\n  b: \'x: y\'\n  c: ""\nkind: ConfigMap\nlist:\n- "1"\n- z\nmetadata:\n  creationTimestamp: "2025-01-01T09:00:00Z"\n  name: c\n  resourceVersion: "12"\n',
    );
    expect(printJson({ b: 1, a: { d: [1], c: 'x' } })).toBe('{\n    "a": {\n        "c": "x",\n        "d": [\n            1\n        ]\n    },\n    "b": 1\n}\n');
  });
  it('several objects become a List', () => {
    const out = printObjects([pod('a', {}), pod('b', {})], { now: 0, output: 'yaml' });
    expect(out.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n')).toBe(true);
    expect(out.endsWith('kind: List\nmetadata:\n  resourceVersion: ""\n')).toBe(true);
  });
});

describe('JSONPath', () => {
  const list = {
    kind: 'List',
    items: [
      { metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Other', status: 'False' }] }, n: 3 },
      { metadata: { name: 'b' }, status: { conditions: [{ type: 'Ready', status: 'False' }] }, n: 1 },
    ],
  };
  it.each([
    ['{.items[*].metadata.name}', 'a b'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.n}{"\\n"}{end}', 'a\t3\nb\t1\n'],
    ['{.items[?(@.metadata.name=="b")].n}', '1'],
    ['{.items[0].status.conditions[?(@.type=="Ready")].status}', 'True'],
    ['{.items[-1:].metadata.name}', 'b'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'x'],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'x'],
    ['{.items[?(@.n>2)].metadata.name}', 'a'],
    ['{..type}', 'Ready Other Ready'],
    ['names: {.items[*].metadata.name}!', 'names: a b!'],
    ['{.items[1].status}', '{"conditions":[{"status":"False","type":"Ready"}]}'],
    ['{.items[0].missing}', ''],
  ])('%s', (tpl, want) => expect(executeJsonPath(tpl, list)).toBe(want));

  it('jsonpath-as-json prints every result as one array', () => {
    expect(executeJsonPathAsJson('{.items[*].metadata.name}', list)).toBe('[\n    "a",\n    "b"\n]\n');
  });
});

describe('tabwriter (describe layout)', () => {
  it('aligns a column over consecutive lines that have it, and a line without it ends the block', () => {
    expect(tabwrite('Name:\tweb\nService Account:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/web\n')).toBe(
      'Name:             web\nService Account:  default\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/web\n',
    );
  });
});
