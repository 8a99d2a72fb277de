import { describe, expect, it } from 'vitest';
import { WorkerHost } from './host';
import type { Response } from './protocol';
import { commandWords } from './streams';

type Chunk = Extract<Response, { type: 'stream' }>;

function setup() {
  const posted: Response[] = [];
  const host = new WorkerHost((m) => posted.push(m));
  host.handle('init', { spec: { seed: 1 } });
  const chunks = (id: number) => posted.filter((m): m is Chunk => m.type === 'stream' && m.id === id);
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 100) host.tick(100);
  };
  return { host, chunks, run };
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx:1.25}]\n';

describe('console streams', () => {
  it('kubectl get pods -w prints the header, then a row for each change of the new pod until stopped', () => {
    const { host, chunks, run } = setup();
    const first = host.handle('startStream', { id: 1, line: 'kubectl get pods -w' });
    expect(first).toMatchObject({ streaming: true, exitCode: 0, stderr: '' });
    expect(first.stdout).toBe('NAME   READY   STATUS   RESTARTS   AGE\n');
    host.handle('apply', { yaml: POD });
    run(10_000);
    const statuses = chunks(1)
      .map((c) => c.data)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/).slice(0, 3).join(' '));
    expect(statuses[0]).toBe('web 0/1 Pending');
    expect(statuses).toContain('web 0/1 ContainerCreating');
    expect(statuses[statuses.length - 1]).toBe('web 1/1 Running');
    // Ctrl+C: nothing more arrives, even when the pod changes.
    expect(host.handle('stopStream', { id: 1 })).toEqual({ stopped: true });
    const before = chunks(1).length;
    host.handle('kubectl', { line: 'kubectl delete pod web --wait=false' });
    run(5_000);
    expect(chunks(1)).toHaveLength(before);
  });

  it('kubectl get -w with a namespace only prints that namespace', () => {
    const { host, chunks, run } = setup();
    host.handle('startStream', { id: 2, line: 'kubectl get pods -w -n kube-system' });
    host.handle('apply', { yaml: POD });
    run(5_000);
    expect(chunks(2).map((c) => c.data).join('')).not.toContain('web');
  });

  it('kubectl rollout status follows the rollout to "successfully rolled out" and ends', () => {
    const { host, chunks, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment d --image=nginx:1.25 --replicas=3' });
    const first = host.handle('startStream', { id: 3, line: 'kubectl rollout status deployment/d' });
    expect(first.streaming).toBe(true);
    run(30_000);
    const lines = chunks(3).map((c) => c.data);
    expect(lines[lines.length - 1]).toBe('deployment "d" successfully rolled out\n');
    expect(chunks(3).at(-1)).toMatchObject({ done: true, exitCode: 0 });
    expect(lines).toContain('Waiting for deployment "d" rollout to finish: 2 of 3 updated replicas are available...\n');
    // Each line is printed once, as kubectl prints only changes.
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('rollout status of a finished rollout answers once and does not stream', () => {
    const { host, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment d --image=nginx:1.25 --replicas=1' });
    run(20_000);
    const r = host.handle('startStream', { id: 4, line: 'kubectl rollout status deploy d' });
    expect(r).toMatchObject({ streaming: false, stdout: 'deployment "d" successfully rolled out\n', exitCode: 0 });
  });

  it('a failing command does not stream', () => {
    const { host } = setup();
    const r = host.handle('startStream', { id: 5, line: 'kubectl rollout status deployment/nope' });
    expect(r).toMatchObject({ streaming: false, exitCode: 1 });
    expect(r.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
  });

  it('kubectl logs -f ends when its pod is deleted', () => {
    const { host, chunks, run } = setup();
    host.handle('apply', { yaml: POD });
    run(10_000);
    const r = host.handle('startStream', { id: 6, line: 'kubectl logs -f web' });
    expect(r.streaming).toBe(true);
    expect(r.stdout).toContain('nginx/1.25');
    host.handle('kubectl', { line: 'kubectl delete pod web' });
    run(40_000);
    expect(chunks(6).at(-1)).toMatchObject({ done: true, exitCode: 0 });
  });

  it('rollout status --timeout waits in simulated time and gives up with kubectl\'s error', () => {
    const { host, chunks, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment stuck --image=nope:1 --replicas=2' });
    run(2_000);
    const r = host.handle('startStream', { id: 8, line: 'kubectl rollout status deploy/stuck --timeout=20s' });
    expect(r).toMatchObject({ streaming: true, exitCode: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Waiting for deployment "stuck" rollout to finish: 0 of 2 updated replicas are available\.\.\./);
    run(19_000);
    expect(chunks(8).filter((c) => c.done)).toEqual([]);
    run(2_000);
    expect(chunks(8).at(-1)).toMatchObject({ done: true, exitCode: 1, data: 'error: timed out waiting for the condition\n' });
  });

  it('rollout status --timeout ends well when the rollout finishes first', () => {
    const { host, chunks, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment d --image=nginx:1.25 --replicas=2' });
    expect(host.handle('startStream', { id: 9, line: 'kubectl rollout status deploy/d --timeout=2m' }).streaming).toBe(true);
    run(30_000);
    expect(chunks(9).at(-1)).toMatchObject({ done: true, exitCode: 0, data: 'deployment "d" successfully rolled out\n' });
  });

  it('kubectl logs -f -l follows every selected pod, with --prefix, until the last container exits', () => {
    const { host, chunks, run } = setup();
    const job = (n: number) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: count-${n}, labels: {app: count}}\nspec:\n  restartPolicy: Never\n  containers: [{name: c, image: busybox, command: [sh, -c, "for i in 1 2 3; do echo ${n}-$i; sleep 5; done"]}]\n`;
    host.handle('apply', { yaml: job(1) + '---\n' + job(2) });
    run(6_000);
    const r = host.handle('startStream', { id: 10, line: 'kubectl logs -f -l app=count --prefix' });
    expect(r.streaming).toBe(true);
    run(30_000);
    const text = r.stdout + chunks(10).map((c) => c.data).join('');
    for (const n of [1, 2]) for (const i of [1, 2, 3]) expect(text).toContain(`[pod/count-${n}/c] ${n}-${i}\n`);
    expect(chunks(10).at(-1)).toMatchObject({ done: true, exitCode: 0 });
  });

  it('kubectl logs -f refuses to follow more streams than --max-log-requests, as kubectl does', () => {
    const { host, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment many --image=nginx:1.25 --replicas=6' });
    run(15_000);
    const r = host.handle('startStream', { id: 11, line: 'kubectl logs -f -l app=many' });
    expect(r).toMatchObject({ streaming: false, exitCode: 1, stderr: 'error: you are attempting to follow 6 log streams, but maximum allowed concurrency is 5, use --max-log-requests to increase the limit\n' });
    expect(host.handle('startStream', { id: 12, line: 'kubectl logs -f -l app=many --max-log-requests=6' })).toMatchObject({ streaming: true, exitCode: 0 });
  });

  const PDB = 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 2, selector: {matchLabels: {app: web}}}\n';

  it('drain blocked by a disruption budget retries every 5 s, and finishes once the budget allows it', () => {
    const { host, chunks, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment web --image=nginx:1.25 --replicas=2' });
    host.handle('apply', { yaml: PDB });
    run(20_000);
    const onNode1 = host.handle('kubectl', { line: 'kubectl get pods -l app=web -o wide' }).stdout.split('\n').find((l) => l.includes(' node-1 '));
    expect(onNode1).toBeDefined();
    const r = host.handle('startStream', { id: 13, line: 'kubectl drain node-1 --ignore-daemonsets' });
    expect(r).toMatchObject({ streaming: true, exitCode: 0 });
    expect(r.stderr).toMatch(/\(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n$/);
    run(6_000);
    expect(chunks(13).map((c) => c.data).join('')).toMatch(/^evicting pod default\/web-\S+\nerror when evicting pods\/"web-\S+" -n "default" \(will retry after 5s\)/);
    expect(chunks(13).some((c) => c.done)).toBe(false);
    // A third replica lets the budget spare one pod: the next retry evicts it and the drain ends.
    host.handle('kubectl', { line: 'kubectl scale deployment web --replicas=3' });
    run(30_000);
    const last = chunks(13).at(-1)!;
    expect(last).toMatchObject({ done: true, exitCode: 0 });
    expect(last.data).toMatch(/pod\/web-\S+ evicted\nnode\/node-1 drained\n$/);
  });

  it('drain --timeout gives up as kubectl does when the budget never allows it', () => {
    const { host, chunks, run } = setup();
    host.handle('kubectl', { line: 'kubectl create deployment web --image=nginx:1.25 --replicas=2' });
    host.handle('apply', { yaml: PDB });
    run(20_000);
    expect(host.handle('startStream', { id: 14, line: 'kubectl drain node-1 --ignore-daemonsets --timeout=12s' }).streaming).toBe(true);
    run(11_000);
    expect(chunks(14).some((c) => c.done)).toBe(false);
    run(5_000);
    expect(chunks(14).at(-1)).toMatchObject({ done: true, exitCode: 1 });
    expect(chunks(14).at(-1)!.data).toContain('error: drain did not complete within 12s\n');
  });

  it('a new cluster ends every stream', () => {
    const { host, chunks } = setup();
    host.handle('startStream', { id: 7, line: 'k get deploy -w' });
    host.handle('init', { spec: { seed: 2 } });
    expect(chunks(7)).toEqual([{ type: 'stream', id: 7, data: '', done: true, exitCode: 1 }]);
  });

  it('reads command lines as kubectl does: the k alias, global flags before the command', () => {
    expect(commandWords('k -n kube-system get pods -w')).toEqual(['get', 'pods', '-w', '-n', 'kube-system']);
    expect(commandWords('kubectl "unclosed')).toBeUndefined();
  });
});

describe('console completion', () => {
  it('completes commands, types, names, namespaces, flags and output formats', () => {
    const { host } = setup();
    host.handle('apply', { yaml: POD });
    const c = (line: string) => host.handle('complete', { line });
    expect(c('kub')).toEqual({ from: 0, candidates: ['kubectl'] });
    expect(c('kubectl ro')).toEqual({ from: 8, candidates: ['rollout'] });
    expect(c('kubectl get po')).toEqual({ from: 12, candidates: ['po', 'poddisruptionbudgets', 'pods'] });
    expect(c('kubectl get pods w')).toEqual({ from: 17, candidates: ['web'] });
    expect(c('k describe pod/')).toEqual({ from: 11, candidates: ['pod/web'] });
    expect(c('k get pods -n kube-s')).toEqual({ from: 14, candidates: ['kube-system'] });
    expect(c('k get pods -o ya')).toEqual({ from: 14, candidates: ['yaml'] });
    expect(c('k get pods --wat')).toEqual({ from: 11, candidates: ['--watch', '--watch-only'] });
    expect(c('k rollout st')).toEqual({ from: 10, candidates: ['status'] });
    expect(c('k logs w')).toEqual({ from: 7, candidates: ['web'] });
    expect(c('k cordon node-')).toEqual({ from: 9, candidates: ['node-1', 'node-2', 'node-3'] });
  });
});
