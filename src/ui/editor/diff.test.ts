import { describe, expect, it } from 'vitest';
import { createCluster } from '../../sim/index';
import { liveDiff, merge } from './diff';

describe('diff against the live object', () => {
  it('shows only what the manifest changes, not the defaults the cluster filled in', async () => {
    const cluster = createCluster();
    const v1 = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: "nginx:1.25"}]\n';
    cluster.apply(v1);
    const get = async (kind: string, name: string, ns?: string) => cluster.get(kind, name, ns) as any;
    const same = await liveDiff(v1, get);
    expect(same.summary).toBe('Live (left) vs. after apply (right): deployment/web unchanged.');
    expect(same.live).toBe(same.applied);
    expect(same.live).toContain('progressDeadlineSeconds: 600'); // a default, on both sides
    expect(same.live).not.toContain('resourceVersion');
    expect(same.live).not.toContain('status:');

    const changed = await liveDiff(v1.replace('replicas: 2', 'replicas: 5').replace('nginx:1.25', 'nginx:1.26'), get);
    expect(changed.summary).toBe('Live (left) vs. after apply (right): deployment/web changes.');
    const removed = changed.live.split('\n').filter((l) => !changed.applied.split('\n').includes(l));
    expect(removed.map((l) => l.trim())).toEqual(['replicas: 2', 'image: nginx:1.25']);

    const fresh = await liveDiff('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', get);
    expect(fresh.summary).toBe('Live (left) vs. after apply (right): configmap/c is new.');
    expect(fresh.live).toBe('');
  });

  it('merges lists of named things by name and replaces other lists', () => {
    expect(merge({ c: [{ name: 'a', x: 1, y: 2 }], l: [1, 2] }, { c: [{ name: 'a', x: 3 }], l: [3] })).toEqual({ c: [{ name: 'a', x: 3, y: 2 }], l: [3] });
  });
});
