import { describe, expect, it } from 'vitest';
import { WorkerHost } from './host';
import type { Delta, Response } from './protocol';
import type { NodeView, PodView } from './view-model';

function setup() {
  const posted: Response[] = [];
  const host = new WorkerHost((m) => posted.push(m));
  host.handle('init', { spec: { seed: 1 } });
  const deltas = () => posted.filter((m): m is { type: 'delta'; delta: Delta } => m.type === 'delta').map((m) => m.delta);
  return { host, posted, deltas };
}

describe('WorkerHost', () => {
  it('sends the whole cluster as the first batch, marked reset', () => {
    const { host, deltas } = setup();
    host.flush();
    const [first] = deltas();
    expect(first.reset).toBe(true);
    const nodes = first.upsert.filter((v): v is NodeView => v.kind === 'Node').map((n) => n.name);
    expect(nodes).toEqual(expect.arrayContaining(['control-plane', 'node-1', 'node-2', 'node-3']));
    expect(first.upsert.some((v) => v.kind === 'Pod' && (v as PodView).name === 'etcd-control-plane')).toBe(true);
  });

  it('while time runs, a command that changes the cluster gets its controllers\' reaction at once, and the clock pays the lead back', () => {
    const { host } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment web --image=nginx:1.25 --replicas=0' });
    for (let i = 0; i < 20; i++) host.tick(16);
    const start = host.now;
    const pods = () => host.handle('kubectl', { line: 'kubectl get pods -o name' }).stdout.trim().split('\n').filter(Boolean);
    expect(pods()).toEqual([]);
    expect(host.now).toBe(start); // a read changes nothing and moves no clock
    host.handle('kubectl', { line: 'kubectl scale deployment web --replicas=3' });
    // The Deployment and ReplicaSet controllers ran: the pods exist before the next frame.
    expect(pods()).toHaveLength(3);
    const lead = host.now - start;
    expect(lead).toBeGreaterThan(0);
    expect(lead).toBeLessThanOrEqual(100);
    // The next ticks advance less until real time has caught up: 1 s of ticks is 1 s of simulated time.
    for (let i = 0; i < 50; i++) host.tick(20);
    expect(host.now - start).toBe(1000);
  });

  it('a paused clock stays where it is after a command', () => {
    const { host } = setup();
    host.handle('setSpeed', { speed: 0 });
    const t = host.now;
    host.handle('kubectl', { line: 'kubectl create deployment web --image=nginx:1.25' });
    expect(host.now).toBe(t);
  });

  it('sends only what changed, and nothing when nothing did', () => {
    const { host, deltas } = setup();
    host.flush();
    host.handle('setSpeed', { speed: 0 });
    host.tick(16); // tells the page the speed changed
    expect(deltas()).toHaveLength(2);
    expect(deltas()[1]).toMatchObject({ speed: 0, upsert: [], remove: [] });
    host.tick(16);
    host.tick(16);
    expect(deltas()).toHaveLength(2);
    host.handle('apply', { yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n' });
    host.flush();
    const second = deltas()[2];
    expect(second.upsert.map((v) => v.kind)).toEqual(['Namespace']);
    expect(second.reset).toBeUndefined();
  });

  it('tells the page about removals by uid', () => {
    const { host, deltas } = setup();
    host.handle('apply', { yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: gone}\n' });
    host.flush();
    const uid = deltas().flatMap((d) => d.upsert).find((v) => v.kind === 'Namespace' && (v as any).name === 'gone')!.uid;
    host.handle('delete', { ref: 'namespace/gone' });
    host.handle('step', { ms: 10_000 });
    host.flush();
    const removed = deltas().flatMap((d) => d.remove);
    // Namespace deletion needs the namespace controller; until it finalizes, the row shows Terminating.
    const rows = deltas().flatMap((d) => d.upsert).filter((v) => v.uid === uid);
    expect(removed.includes(uid) || rows.some((r) => (r as any).phase === 'Terminating')).toBe(true);
  });

  it('pauses at speed 0 and paces simulated time by speed', () => {
    const { host } = setup();
    const t0 = host.now;
    host.handle('setSpeed', { speed: 0 });
    host.tick(1000);
    expect(host.now).toBe(t0);
    host.handle('setSpeed', { speed: 2 });
    host.tick(100);
    expect(host.now).toBe(t0 + 200);
  });

  it("sends a command's pods ahead of the backlog when the budget per tick is full", () => {
    const posted: Response[] = [];
    const host = new WorkerHost((m) => posted.push(m), { frameBytes: 4096 });
    const deltas = () => posted.filter((m): m is { type: 'delta'; delta: Delta } => m.type === 'delta').map((m) => m.delta);
    host.handle('init', { spec: { seed: 1 }, speed: 0 });
    const deployment = (name: string, replicas: number, image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers: [{name: web, image: ${image}}]\n`;
    host.handle('apply', { yaml: deployment('bulk', 60, 'nginx:1.25') + '---\n' + deployment('probe', 0, 'nginx:1.25') });
    host.handle('step', { ms: 30_000 });
    // Ticks at speed 0 send what waits, within the budget, without moving the clock.
    for (let i = 0; i < 500; i++) host.tick(16);
    // A rollout's changes pile up (the command that started it is long past), then the user scales `probe`.
    host.handle('apply', { yaml: deployment('bulk', 60, 'nginx:1.26') });
    host.handle('step', { ms: 4_000 });
    host.handle('scale', { kind: 'deployment', name: 'probe', namespace: 'default', replicas: 3 });
    host.handle('step', { ms: 300 });
    const before = deltas().length;
    host.tick(16);
    const batch = deltas()[before];
    const probes = batch.upsert.filter((v): v is PodView => v.kind === 'Pod' && v.name.startsWith('probe-'));
    expect(probes).toHaveLength(3);
    // ... while older rollout rows still wait for later batches.
    host.tick(16);
    const next = deltas()[before + 1];
    expect(next.upsert.filter((v) => v.kind === 'Pod' && (v as PodView).name.startsWith('bulk-')).length + (next.patch ?? []).length).toBeGreaterThan(5);
  });
});
