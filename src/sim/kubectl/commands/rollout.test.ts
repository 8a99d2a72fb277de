import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

function webCluster(replicas = 2) {
  const c = createCluster();
  c.kubectl(`create deployment web --image=nginx:1.25 --replicas=${replicas}`);
  c.advance(30_000);
  return c;
}

describe('kubectl scale and autoscale', () => {
  it('scales with a precondition', () => {
    const c = webCluster();
    expect(c.kubectl('scale deployment web --replicas=4')).toEqual({ stdout: 'deployment.apps/web scaled\n', stderr: '', exitCode: 0 });
    expect((c.get('deploy', 'web') as any).spec.replicas).toBe(4);
    expect(c.kubectl('scale deploy/web --replicas=5 --current-replicas=3').stderr).toBe('error: Expected replicas to be 3, was 4\n');
    expect(c.kubectl('scale deploy web').stderr).toBe('error: required flag(s) "replicas" not set\n');
    expect(c.kubectl('scale deploy web --replicas=-1').stderr).toBe('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
    expect(c.kubectl('scale deploy nope --replicas=1').stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    expect(c.kubectl('scale deploy web --replicas=1 --dry-run=client').stdout).toBe('deployment.apps/web scaled (dry run)\n');
    expect((c.get('deploy', 'web') as any).spec.replicas).toBe(4);
  });

  it('creates an autoscaling/v2 HorizontalPodAutoscaler', () => {
    const c = webCluster();
    expect(c.kubectl('autoscale deployment web --min=2 --max=5 --cpu-percent=70').stdout).toBe('horizontalpodautoscaler.autoscaling/web autoscaled\n');
    const hpa = c.get('hpa', 'web') as any;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(c.kubectl('autoscale deploy web --min=3').stderr).toBe('error: --max=MAXPODS is required and must be at least 1, max: -1\n');
    expect(c.kubectl('autoscale deploy web --min=3 --max=2').stderr).toBe('error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3\n');
  });
});

describe('kubectl set', () => {
  it('updates images by container name or *, and refuses unknown containers', () => {
    const c = webCluster();
    expect(c.kubectl('set image deployment/web nginx=nginx:1.26')).toEqual({ stdout: 'deployment.apps/web image updated\n', stderr: '', exitCode: 0 });
    expect((c.get('deploy', 'web') as any).spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(c.kubectl('set image deploy web *=nginx:1.27').stdout).toBe('deployment.apps/web image updated\n');
    expect((c.get('deploy', 'web') as any).spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(c.kubectl('set image deployment/web app=nginx:1.26').stderr).toBe('error: unable to find container named "app"\n');
    expect(c.kubectl('set image deployment/web').stderr).toBe('error: at least one image update is required\n');
  });

  it('sets and removes env, and sets resources', () => {
    const c = webCluster();
    expect(c.kubectl('set env deployment/web MODE=prod LEVEL=2').stdout).toBe('deployment.apps/web env updated\n');
    expect(c.kubectl('set env deployment/web LEVEL-').stdout).toBe('deployment.apps/web env updated\n');
    expect((c.get('deploy', 'web') as any).spec.template.spec.containers[0].env).toEqual([{ name: 'MODE', value: 'prod' }]);
    expect(c.kubectl('set env deployment/web --list').stdout).toBe('# Deployment web, container nginx\nMODE=prod\n');
    expect(c.kubectl('set resources deployment web --limits=cpu=200m,memory=256Mi --requests=cpu=100m').stdout).toBe('deployment.apps/web resource requirements updated\n');
    expect((c.get('deploy', 'web') as any).spec.template.spec.containers[0].resources).toEqual({ limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '100m' } });
  });
});

describe('kubectl rollout', () => {
  it('reports status as the rollout moves, and rolloutStatus answers the same', async () => {
    const { rolloutStatus } = await import('./rollout');
    const c = createCluster();
    c.kubectl('create deployment web --image=nginx:1.25 --replicas=2');
    expect(c.kubectl('rollout status deployment/web').stdout).toBe('Waiting for deployment spec update to be observed...\n');
    c.advance(30_000);
    expect(c.kubectl('rollout status deploy/web')).toEqual({ stdout: 'deployment "web" successfully rolled out\n', stderr: '', exitCode: 0 });
    expect(rolloutStatus(c, 'deploy/web')).toEqual({ done: true, line: 'deployment "web" successfully rolled out' });
    c.kubectl('set image deployment/web nginx=nginx:1.26');
    c.advance(200);
    const mid = rolloutStatus(c, 'deployment/web');
    expect(mid.done).toBe(false);
    expect(mid.line).toMatch(/^Waiting for deployment "web" rollout to finish: /);
    expect(c.kubectl('rollout status deploy/web --timeout=10s')).toEqual({ stdout: `${mid.line}\n`, stderr: 'error: timed out waiting for the condition\n', exitCode: 1 });
    expect(rolloutStatus(c, 'deploy/nope')).toEqual({ done: true, line: '', error: 'Error from server (NotFound): deployments.apps "nope" not found' });
  });

  it('keeps history with change-causes and shows a revision', () => {
    const c = webCluster();
    c.kubectl('set image deployment/web nginx=nginx:1.26 --record');
    c.advance(60_000);
    expect(c.kubectl('rollout history deployment/web').stdout).toBe(
      'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deployment/web nginx=nginx:1.26 --record\n\n',
    );
    const rev1 = c.kubectl('rollout history deploy/web --revision=1').stdout;
    expect(rev1).toMatch(/^deployment\.apps\/web with revision #1\nPod Template:\n {2}Labels:\tapp=web\n\tpod-template-hash=\w+\n {2}Containers:\n {3}nginx:\n {4}Image:\tnginx:1\.25\n/);
    expect(c.kubectl('rollout history deploy/web --revision=7').stderr).toBe('error: unable to find the specified revision\n');
  });

  it('undoes a bad image rollout back to the working template', () => {
    const c = webCluster(3);
    c.kubectl('set image deployment/web nginx=nginx:does-not-exist');
    c.advance(60_000);
    const stuck = c.kubectl('rollout status deploy/web').stdout;
    // kubectl says only what the Deployment's status says; the pods' image errors are for `get pods`.
    expect(stuck).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
    expect(c.kubectl('rollout undo deployment/web')).toEqual({ stdout: 'deployment.apps/web rolled back\n', stderr: '', exitCode: 0 });
    const d = c.get('deploy', 'web') as any;
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    expect(d.spec.template.metadata.labels).toEqual({ app: 'web' });
    c.advance(60_000);
    expect(c.kubectl('rollout status deploy/web').stdout).toBe('deployment "web" successfully rolled out\n');
    expect(c.kubectl('rollout undo deploy/web --to-revision=9').stderr).toBe('error: unable to find specified revision 9 in history\n');
    expect(c.kubectl('rollout undo deploy/web --to-revision=3').stdout).toBe('deployment.apps/web skipped rollback (current template already matches revision 3)\n');
  });

  it('refuses to undo without history', () => {
    const c = webCluster();
    expect(c.kubectl('rollout undo deploy/web').stderr).toBe('error: no rollout history found for deployment "web"\n');
  });

  it('pauses, resumes and restarts', () => {
    const c = webCluster();
    expect(c.kubectl('rollout pause deployment/web').stdout).toBe('deployment.apps/web paused\n');
    expect((c.get('deploy', 'web') as any).spec.paused).toBe(true);
    expect(c.kubectl('rollout pause deployment/web').stderr).toBe('error: deployments.apps "web" is already paused\n');
    expect(c.kubectl('rollout restart deployment/web').stderr).toBe('error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n');
    expect(c.kubectl('rollout undo deployment/web').stderr).toBe("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n");
    expect(c.kubectl('rollout resume deployment/web').stdout).toBe('deployment.apps/web resumed\n');
    expect(c.kubectl('rollout resume deployment/web').stderr).toBe('error: deployments.apps "web" is not paused\n');
    const at = new Date(Date.UTC(2025, 0, 1, 9, 0, 0) + Math.floor(c.now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    expect(c.kubectl('rollout restart deployment/web').stdout).toBe('deployment.apps/web restarted\n');
    expect((c.get('deploy', 'web') as any).spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': at });
  });
});
