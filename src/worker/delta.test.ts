/**
 * The page's mirror, built from the worker's budgeted batches (new rows whole, then changed fields,
 * endpoint changes, bursts spread over frames), must end up exactly as a fresh full load of the same
 * cluster: random engine activity, then the two compared row by row.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WorkerHost } from './host';
import { applyDelta, diffRow, applyPatch, MAX_EVENTS, mergeEvents } from './delta';
import type { Delta, EventRow, Response } from './protocol';
import type { ServiceView, View } from './view-model';

type Op =
  | { op: 'deploy'; app: number; replicas: number; image: number }
  | { op: 'scale'; app: number; replicas: number }
  | { op: 'deletePod'; pick: number }
  | { op: 'node'; node: number; running: boolean }
  | { op: 'cordon'; node: number; on: boolean }
  | { op: 'service'; app: number; present: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'frames'; n: number };

const IMAGES = ['nginx:1.25', 'nginx:1.26', 'nginx:alpine', 'busybox:no-such-tag'];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('deploy' as const), app: fc.nat(2), replicas: fc.integer({ min: 0, max: 8 }), image: fc.nat(IMAGES.length - 1) }),
  fc.record({ op: fc.constant('scale' as const), app: fc.nat(2), replicas: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('deletePod' as const), pick: fc.nat(50) }),
  fc.record({ op: fc.constant('node' as const), node: fc.integer({ min: 1, max: 3 }), running: fc.boolean() }),
  fc.record({ op: fc.constant('cordon' as const), node: fc.integer({ min: 1, max: 3 }), on: fc.boolean() }),
  fc.record({ op: fc.constant('service' as const), app: fc.nat(2), present: fc.boolean() }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 100, max: 20_000 }) }),
  fc.record({ op: fc.constant('frames' as const), n: fc.integer({ min: 1, max: 4 }) }),
);

const deployment = (app: number, replicas: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${app}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app-${app}}}
  template:
    metadata: {labels: {app: app-${app}}}
    spec:
      containers:
      - name: web
        image: ${image}
        resources: {requests: {cpu: 50m, memory: 32Mi}}
`;
const service = (app: number) => `apiVersion: v1
kind: Service
metadata: {name: app-${app}}
spec:
  selector: {app: app-${app}}
  ports: [{port: 80}]
`;

/** A host and the mirror the page would build from what it posts. */
function page(frameBytes?: number) {
  const posted: Response[] = [];
  const host = new WorkerHost((m) => posted.push(m), frameBytes === undefined ? {} : { frameBytes });
  const mirror = { rows: new Map<string, View>(), events: [] as EventRow[], deltas: [] as Delta[] };
  const read = () => {
    for (const m of posted.splice(0)) {
      if (m.type !== 'delta') continue;
      mirror.deltas.push(m.delta);
      mirror.rows = applyDelta(mirror.rows, m.delta);
      mirror.events = mergeEvents(mirror.events, m.delta);
    }
  };
  return { host, mirror, read };
}

function run(host: WorkerHost, op: Op): void {
  const kubectl = (line: string) => host.handle('kubectl', { line });
  switch (op.op) {
    case 'deploy':
      host.handle('apply', { yaml: deployment(op.app, op.replicas, IMAGES[op.image]) });
      break;
    case 'scale':
      kubectl(`kubectl scale deployment app-${op.app} --replicas=${op.replicas}`);
      break;
    case 'deletePod': {
      const names = kubectl('kubectl get pods -o name').stdout.split('\n').filter(Boolean);
      if (names.length) kubectl(`kubectl delete ${names[op.pick % names.length]} --wait=false`);
      break;
    }
    case 'node':
      host.handle('node', { name: `node-${op.node}`, action: op.running ? 'start' : 'stop' });
      break;
    case 'cordon':
      // All three cordoned leaves new pods Pending with a reason, which goes away once they are scheduled.
      for (const n of op.on ? [1, 2, 3] : [op.node]) host.handle('node', { name: `node-${n}`, action: op.on ? 'cordon' : 'uncordon' });
      break;
    case 'service':
      if (op.present) host.handle('apply', { yaml: service(op.app) });
      else kubectl(`kubectl delete service app-${op.app}`);
      break;
    case 'advance':
      host.handle('step', { ms: op.ms });
      break;
    case 'frames':
      for (let i = 0; i < op.n; i++) host.tick(16);
      break;
  }
  // The worker flushes after every command (worker.ts), and a frame later on its own tick.
  host.flush();
  host.tick(16);
}

/** Rows as plain data, absent fields and undefined ones alike. */
const plain = (rows: Map<string, View>) => new Map([...rows].map(([uid, v]) => [uid, JSON.parse(JSON.stringify(v))]));

describe('the mirror built from budgeted deltas', () => {
  it('equals a fresh full load after any engine activity, and no batch after the first exceeds the budget', () => {
    const BUDGET = 3 * 1024;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 14 }), (ops) => {
        const a = page(BUDGET);
        // The same activity against an unbudgeted host: its events are what the page should end up with.
        const b = page();
        for (const p of [a, b]) {
          p.host.handle('init', { spec: { seed: 7 }, speed: 0 });
          p.host.flush();
          p.read();
        }
        for (const op of ops) {
          for (const p of [a, b]) {
            run(p.host, op);
            p.read();
          }
        }
        // Let the backlog drain: paused, each tick only sends.
        for (let i = 0; i < 400; i++) a.host.tick(16);
        a.read();
        b.host.flush();
        b.read();

        const fresh = page();
        fresh.host.handle('init', { snapshot: a.host.handle('snapshot', {}), speed: 0 });
        fresh.host.flush();
        fresh.read();
        expect(plain(a.mirror.rows)).toEqual(plain(fresh.mirror.rows));
        // Bursts beyond what the page keeps drop the oldest waiting events, counted; the newest all arrive.
        expect(a.mirror.events.slice(-60)).toEqual(b.mirror.events.slice(-60));
        const skipped = a.mirror.deltas.reduce((n, d) => n + (d.eventsSkipped ?? 0), 0);
        expect(new Set([...a.mirror.events.map((e) => e.uid)]).size + skipped).toBeGreaterThanOrEqual(Math.min(b.mirror.events.length, MAX_EVENTS));
        for (const d of a.mirror.deltas.slice(1)) {
          const items = [...d.upsert, ...(d.patch ?? []), ...d.remove, ...d.events];
          // One item may exceed it alone (so nothing stalls); a batch of several never does.
          if (items.length > 1) expect(JSON.stringify(items).length).toBeLessThanOrEqual(BUDGET + items.length + 2);
        }
      }),
      {
        numRuns: 16,
        seed: 4,
        examples: [
          // Pending with a reason, then scheduled (the reason field goes away); a rollout behind a Service.
          [[
            { op: 'cordon', node: 1, on: true },
            { op: 'deploy', app: 0, replicas: 4, image: 0 },
            { op: 'service', app: 0, present: true },
            { op: 'advance', ms: 3_000 },
            { op: 'cordon', node: 2, on: false },
            { op: 'frames', n: 2 },
            { op: 'advance', ms: 10_000 },
            { op: 'deploy', app: 0, replicas: 6, image: 0 },
            { op: 'deploy', app: 2, replicas: 3, image: 0 },
            { op: 'service', app: 2, present: true },
            { op: 'advance', ms: 15_000 },
            { op: 'deploy', app: 2, replicas: 3, image: 1 },
            { op: 'frames', n: 1 },
            { op: 'advance', ms: 20_000 },
          ]],
          // A node stops with pods on it, a pod is deleted, a Service goes away.
          [[
            { op: 'deploy', app: 1, replicas: 8, image: 2 },
            { op: 'service', app: 1, present: true },
            { op: 'advance', ms: 15_000 },
            { op: 'node', node: 2, running: false },
            { op: 'deletePod', pick: 3 },
            { op: 'advance', ms: 20_000 },
            { op: 'service', app: 1, present: false },
            { op: 'node', node: 2, running: true },
            { op: 'advance', ms: 20_000 },
          ]],
        ],
      },
    );
  });

  it('sends a changed pod as its changed fields, and a Service endpoint by endpoint', () => {
    const { host, mirror, read } = page();
    host.handle('init', { spec: { seed: 3 }, speed: 0 });
    host.handle('apply', { yaml: `${deployment(0, 3, 'nginx:1.25')}---\n${service(0)}` });
    host.handle('step', { ms: 30_000 });
    host.flush();
    read();
    const first = mirror.deltas.length;
    const victim = [...mirror.rows.values()].find((v) => v.kind === 'Pod' && v.name.startsWith('app-0-'))!;
    host.handle('kubectl', { line: `kubectl delete pod ${victim.name} --wait=false` });
    host.flush();
    read();
    const patches = mirror.deltas.slice(first).flatMap((d) => d.patch ?? []);
    expect(patches.find((p) => p.uid === victim.uid)?.set).toMatchObject({ terminating: true, status: 'Terminating' });
    expect(Object.keys(patches.find((p) => p.uid === victim.uid)!.set!)).not.toContain('name');
    host.handle('step', { ms: 60_000 });
    host.flush();
    read();
    const svc = [...mirror.rows.values()].find((v): v is ServiceView => v.kind === 'Service' && v.name === 'app-0')!;
    const svcPatches = mirror.deltas.slice(first).flatMap((d) => d.patch ?? []).filter((p) => p.uid === svc.uid);
    expect(svcPatches.some((p) => p.endpoints?.remove?.includes(victim.uid))).toBe(true);
    expect(svcPatches.every((p) => !p.set?.endpoints)).toBe(true);
    expect(svc.endpoints).toHaveLength(3);
    expect(svc.endpoints.every((e) => e.ready)).toBe(true);
  });
});

describe('row patches', () => {
  it('round-trip: applying the diff of two rows gives the second', () => {
    const row = (over: Partial<ServiceView>): ServiceView => ({
      kind: 'Service', uid: 's', name: 'web', namespace: 'default', type: 'ClusterIP', clusterIP: '10.96.0.10', ports: '80/TCP', endpoints: [], ...over,
    });
    const ep = fc.record({ pod: fc.constantFrom('a', 'b', 'c', 'd', 'e'), ready: fc.boolean() });
    const eps = fc.uniqueArray(ep, { selector: (e) => e.pod }).map((xs) => xs.sort((x, y) => (x.pod < y.pod ? -1 : 1)));
    fc.assert(
      fc.property(eps, eps, fc.option(fc.constantFrom('1.2.3.4', '5.6.7.8'), { nil: undefined }), fc.option(fc.constantFrom('1.2.3.4'), { nil: undefined }), (e1, e2, ip1, ip2) => {
        const a = row({ endpoints: e1, externalIP: ip1 });
        const b = row({ endpoints: e2, externalIP: ip2 });
        const d = diffRow(a, b);
        const got = d ? applyPatch(a, d) : a;
        expect(JSON.parse(JSON.stringify(got))).toEqual(JSON.parse(JSON.stringify(b)));
        if (!d) expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
    );
  });
});
