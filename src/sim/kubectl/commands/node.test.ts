import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

describe('kubectl label and annotate', () => {
  it('adds, refuses to overwrite without --overwrite, and removes', () => {
    const c = createCluster();
    c.kubectl('run web --image=nginx');
    expect(c.kubectl('label pod web tier=fe')).toEqual({ stdout: 'pod/web labeled\n', stderr: '', exitCode: 0 });
    expect(c.kubectl('label pods web tier=be')).toEqual({ stdout: '', stderr: "error: 'tier' already has a value (fe), and --overwrite is false\n", exitCode: 1 });
    expect(c.kubectl('label pod/web tier=be --overwrite').stdout).toBe('pod/web labeled\n');
    expect((c.get('pod', 'web') as any).metadata.labels).toEqual({ run: 'web', tier: 'be' });
    expect(c.kubectl('label pod web tier-').stdout).toBe('pod/web unlabeled\n');
    expect(c.kubectl('label pod web tier-')).toEqual({ stdout: 'pod/web not labeled\n', stderr: 'label "tier" not found.\n', exitCode: 0 });
    expect((c.get('pod', 'web') as any).metadata.labels).toEqual({ run: 'web' });
    expect(c.kubectl('label pod web').stderr).toBe('error: at least one label update is required\n');
    expect(c.kubectl('label pod web a=1 other').stderr).toBe('error: all resources must be specified before label changes: other\n');
  });

  it('labels everything a selector matches', () => {
    const c = createCluster();
    c.kubectl('run a --image=nginx --labels=app=x');
    c.kubectl('run b --image=nginx --labels=app=x');
    c.kubectl('run z --image=nginx --labels=app=y');
    expect(c.kubectl('label pods -l app=x env=dev').stdout).toBe('pod/a labeled\npod/b labeled\n');
    expect(c.list('pods', { labelSelector: 'env=dev' }).map((p: any) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it('annotates with the annotate wording', () => {
    const c = createCluster();
    c.kubectl('create deployment web --image=nginx');
    expect(c.kubectl('annotate deployment web owner=team-a').stdout).toBe('deployment.apps/web annotated\n');
    expect(c.kubectl('annotate deployment web owner=team-b').stderr).toBe("error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (team-a)\n");
    expect(c.kubectl('annotate deployment web owner-').stdout).toBe('deployment.apps/web annotated\n');
    expect((c.get('deploy', 'web') as any).metadata.annotations?.owner).toBeUndefined();
  });
});

describe('kubectl taint, cordon, uncordon', () => {
  it('adds and removes taints with kubectl messages', () => {
    const c = createCluster();
    expect(c.kubectl('taint nodes node-1 dedicated=gpu:NoSchedule')).toEqual({ stdout: 'node/node-1 tainted\n', stderr: '', exitCode: 0 });
    expect((c.get('node', 'node-1') as any).spec.taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    expect(c.kubectl('taint nodes node-1 dedicated=cpu:NoSchedule').stderr).toBe('error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n');
    expect(c.kubectl('taint nodes node-1 dedicated=cpu:NoSchedule --overwrite').stdout).toBe('node/node-1 modified\n');
    expect(c.kubectl('taint node node-1 dedicated:NoSchedule-').stdout).toBe('node/node-1 untainted\n');
    expect((c.get('node', 'node-1') as any).spec.taints).toBeUndefined();
    expect(c.kubectl('taint nodes node-1 dedicated-').stderr).toBe('error: taint "dedicated" not found\n');
    expect(c.kubectl('taint nodes node-1 a=b:Sometimes').stderr).toBe('error: invalid taint spec: a=b:Sometimes, invalid taint effect: Sometimes, unsupported taint effect\n');
    expect(c.kubectl('taint nodes node-1').stderr).toBe('error: at least one taint update is required\n');
    expect(c.kubectl('taint pods x a=b:NoSchedule').stderr).toBe('error: invalid resource type pods, only node types are supported\n');
  });

  it('cordons and uncordons, saying when nothing changed', () => {
    const c = createCluster();
    expect(c.kubectl('cordon node-2').stdout).toBe('node/node-2 cordoned\n');
    expect((c.get('node', 'node-2') as any).spec.unschedulable).toBe(true);
    expect(c.kubectl('cordon node-2').stdout).toBe('node/node-2 already cordoned\n');
    expect(c.kubectl('uncordon node-2').stdout).toBe('node/node-2 uncordoned\n');
    expect((c.get('node', 'node-2') as any).spec.unschedulable).toBeUndefined();
    expect(c.kubectl('uncordon node-2').stdout).toBe('node/node-2 already uncordoned\n');
    expect(c.kubectl('cordon node-9').stderr).toBe('Error from server (NotFound): nodes "node-9" not found\n');
  });
});

describe('kubectl drain', () => {
  function cluster() {
    const c = createCluster();
    c.kubectl('create deployment web --image=nginx --replicas=3');
    c.advance(30_000);
    return c;
  }
  const onNode = (c: ReturnType<typeof createCluster>, node: string) =>
    c.list('pods', { fieldSelector: `spec.nodeName=${node}` }).map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`);

  it('refuses DaemonSet pods without --ignore-daemonsets, after cordoning', () => {
    const c = cluster();
    const ds = onNode(c, 'node-1').filter((n) => /kube-(proxy|flannel)/.test(n)).sort();
    const r = c.kubectl('drain node-1');
    expect(r.stdout).toBe('node/node-1 cordoned\n');
    expect(r.stderr).toBe(
      `error: unable to drain node "node-1", aborting command...\n\nThere are pending nodes to be drained:\n node-1\nerror: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${ds.join(', ')}\n`,
    );
    expect(r.exitCode).toBe(1);
  });

  it('evicts managed pods, keeps DaemonSet pods, and needs --force for a bare pod', () => {
    const c = cluster();
    c.apply('apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  nodeName: node-1\n  containers:\n  - name: c\n    image: nginx\n');
    c.advance(10_000);
    const r1 = c.kubectl('drain node-1 --ignore-daemonsets');
    expect(r1.exitCode).toBe(1);
    expect(r1.stderr).toContain('error: cannot delete Pods that declare no controller (use --force to override): default/bare\n');
    const victims = onNode(c, 'node-1').filter((n) => !/kube-(proxy|flannel)/.test(n)).sort();
    const r2 = c.kubectl('drain node-1 --ignore-daemonsets --force');
    expect(r2.exitCode).toBe(0);
    expect(r2.stdout).toBe(
      [
        'node/node-1 already cordoned',
        ...victims.map((v) => `evicting pod ${v}`),
        ...victims.map((v) => `pod/${v.split('/')[1]} evicted`),
        'node/node-1 drained',
        '',
      ].join('\n'),
    );
    expect(r2.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: .*; deleting Pods that declare no controller: default\/bare\n$|^Warning: deleting Pods that declare no controller: default\/bare; ignoring DaemonSet-managed Pods: .*\n$/);
    c.advance(60_000);
    expect(onNode(c, 'node-1').filter((n) => !/kube-(proxy|flannel)/.test(n))).toEqual([]);
    expect(c.list('pods', { labelSelector: 'app=web' }).filter((p: any) => p.status?.phase === 'Running')).toHaveLength(3);
  });

  it('respects a PodDisruptionBudget', () => {
    const c = cluster();
    c.apply('apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 3\n  selector:\n    matchLabels: {app: web}\n');
    const web = onNode(c, 'node-1').find((n) => n.startsWith('default/web-'))!;
    const r = c.kubectl('drain node-1 --ignore-daemonsets');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`error when evicting pods/"${web.split('/')[1]}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`);
    expect(c.get('pod', web.split('/')[1])).toBeDefined();
    expect((c.get('pod', web.split('/')[1]) as any).metadata.deletionTimestamp).toBeUndefined();
  });
});
