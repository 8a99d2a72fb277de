/**
 * Running a step's actions against a cluster: the checker does it headlessly, the worker does it for
 * "Show me" and when a learner enters a step. Every failure comes back as a sentence; nothing throws.
 */
import type { Action, Lab } from './types';
import { expand, type LabCluster } from './cluster';

export type ActionOutcome = { action: string; ok: boolean; output: string };

export function runActions(cluster: LabCluster, lab: Pick<Lab, 'files'>, actions: Action[]): ActionOutcome[] {
  return actions.map((a) => runAction(cluster, lab, a));
}

export function describeAction(a: Action): string {
  if ('apply' in a) return `kubectl apply -f ${a.apply}${a.namespace ? ` -n ${a.namespace}` : ''}`;
  if ('run' in a) return a.run;
  if ('delete' in a) return `kubectl delete ${a.delete}${a.namespace ? ` -n ${a.namespace}` : ''}`;
  if ('killPod' in a) return `delete a pod matching ${a.killPod}`;
  if ('failNode' in a) return `stop node ${a.failNode}`;
  if ('startNode' in a) return `start node ${a.startNode}`;
  if ('wait' in a) return `wait ${a.wait / 1000}s`;
  return `open ${a.open}`;
}

export function runAction(cluster: LabCluster, lab: Pick<Lab, 'files'>, a: Action): ActionOutcome {
  const action = describeAction(a);
  try {
    if ('apply' in a) {
      const text = lab.files[a.apply];
      if (text === undefined) return { action, ok: false, output: `no file ${a.apply}` };
      const results = cluster.apply(text, a.namespace ? { namespace: a.namespace } : undefined);
      const bad = results.filter((r) => r.error);
      const output = results
        .map((r) => (r.error ? `${a.apply}${r.error.line ? `:${r.error.line}` : ''}: ${r.error.message}` : `${r.kind?.toLowerCase()}/${r.name} ${r.action}`))
        .join('\n');
      return { action, ok: bad.length === 0, output };
    }
    if ('run' in a) {
      const r = cluster.kubectl(expand(a.run, cluster));
      return { action, ok: r.exitCode === 0, output: (r.stdout + r.stderr).trimEnd() };
    }
    if ('delete' in a) {
      const r = cluster.delete(a.delete, a.namespace ? { namespace: a.namespace } : {});
      return { action, ok: !r.error, output: r.error ? r.error.message : `${r.kind?.toLowerCase()}/${r.name} deleted` };
    }
    if ('killPod' in a) {
      const namespace = a.namespace ?? 'default';
      const pods = cluster
        .list('Pod', { namespace, labelSelector: a.killPod })
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => p.metadata.name)
        .sort();
      if (!pods.length) return { action, ok: false, output: `no pod in ${namespace} matches ${a.killPod}` };
      const r = cluster.delete(`pod/${namespace}/${pods[0]}`);
      return { action, ok: !r.error, output: r.error ? r.error.message : `pod "${pods[0]}" deleted` };
    }
    if ('failNode' in a || 'startNode' in a) {
      const name = 'failNode' in a ? a.failNode : a.startNode;
      cluster.setNodeRunning(name, 'startNode' in a);
      return { action, ok: true, output: `node/${name} ${'startNode' in a ? 'started' : 'stopped'}` };
    }
    if ('wait' in a) {
      cluster.advance(a.wait);
      return { action, ok: true, output: '' };
    }
    return { action, ok: true, output: '' };
  } catch (e) {
    return { action, ok: false, output: (e as Error).message };
  }
}
