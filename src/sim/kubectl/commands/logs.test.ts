import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

const TWO = `apiVersion: v1
kind: Pod
metadata:
  name: duo
spec:
  containers:
  - name: web
    image: nginx
  - name: side
    image: busybox
    command: [sh, -c, "echo from-side; sleep 3600"]
`;

describe('kubectl logs', () => {
  it("prints a container's output, from a pod or its owner", () => {
    const c = createCluster();
    c.kubectl('run solo --image=busybox -- sh -c "echo hello; sleep 3600"');
    c.kubectl('create deployment web --image=nginx --replicas=2');
    c.advance(30_000);
    expect(c.kubectl('logs solo')).toEqual({ stdout: 'hello\n', stderr: '', exitCode: 0 });
    expect(c.kubectl('logs pod/solo -f --tail=1').stdout).toBe('hello\n');
    const r = c.kubectl('logs deploy/web');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^Found 2 pods, using pod\/web-[a-z0-9]+-[a-z0-9]{5}\n$/);
    expect(r.stdout).toContain('nginx');
    expect(c.kubectl('logs nope').stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(c.kubectl('logs').stderr).toContain('POD or TYPE/NAME is a required argument for the logs command');
  });

  it('defaults to the first container of several, as kubectl 1.30 does, and takes -c', () => {
    const c = createCluster();
    c.apply(TWO);
    c.advance(30_000);
    const r = c.kubectl('logs duo');
    expect(r.stderr).toBe('Defaulted container "web" out of: web, side\n');
    expect(c.kubectl('logs duo -c side')).toEqual({ stdout: 'from-side\n', stderr: '', exitCode: 0 });
    expect(c.kubectl('logs duo -c nope').stderr).toBe('Error from server (BadRequest): container nope is not valid for pod duo\n');
    expect(c.kubectl('logs duo -c side --previous').stderr).toBe('Error from server (BadRequest): previous terminated container "side" in pod "duo" not found\n');
  });

  it('answers for containers that have not started', () => {
    const c = createCluster();
    c.kubectl('run bad --image=nginx:no-such-tag');
    c.advance(20_000);
    expect(c.kubectl('logs bad').stderr).toMatch(/^Error from server \(BadRequest\): container "bad" in pod "bad" is waiting to start: (trying and failing to pull image|image can't be pulled)\n$/);
    c.kubectl('run fresh --image=nginx');
    c.advance(100);
    expect((c.get('pod', 'fresh') as any).spec.nodeName).toBeTruthy();
    expect(c.kubectl('logs fresh').stderr).toBe('Error from server (BadRequest): container "fresh" in pod "fresh" is waiting to start: ContainerCreating\n');
  });
});

describe('kubectl exec', () => {
  it('runs a command in the container and passes its exit code on', () => {
    const c = createCluster();
    c.kubectl('run solo --image=busybox --env=GREETING=hi -- sleep 3600');
    c.advance(30_000);
    const env = c.kubectl('exec solo -- env');
    expect(env.exitCode).toBe(0);
    expect(env.stdout).toContain('GREETING=hi\n');
    expect(env.stdout).toContain('HOSTNAME=solo\n');
    expect(c.kubectl('exec solo -- hostname').stdout).toBe('solo\n');
    const bad = c.kubectl('exec solo -- cat /nope');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/command terminated with exit code 1\n$/);
  });

  it("answers kubectl's errors", () => {
    const c = createCluster();
    c.kubectl('run solo --image=busybox -- sleep 3600');
    expect(c.kubectl('exec solo -- env').stderr).toBe('error: unable to upgrade connection: container not found ("solo")\n');
    c.advance(30_000);
    expect(c.kubectl('exec solo').stderr).toBe("error: you must specify at least one command for the container\nSee 'kubectl exec -h' for help and examples\n");
    expect(c.kubectl('exec solo env').stderr).toBe("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n");
    expect(c.kubectl('exec nope -- env').stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    const shell = c.kubectl('exec -it solo -- sh');
    expect(shell.exitCode).toBe(0);
    expect(shell.stderr).toContain('interactive sessions run in the console');
  });
});

describe('kubectl config', () => {
  it('shows the context and switches the namespace every command uses', () => {
    const c = createCluster();
    expect(c.kubectl('config current-context').stdout).toBe('kubernetes-admin@kubernetes\n');
    expect(c.kubectl('config get-contexts').stdout).toBe(
      'CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n',
    );
    c.kubectl('create namespace team-a');
    expect(c.kubectl('config set-context --current --namespace=team-a').stdout).toBe('Context "kubernetes-admin@kubernetes" modified.\n');
    c.kubectl('create configmap cfg --from-literal=a=1');
    expect(c.get('cm', 'cfg', 'team-a')).toBeDefined();
    expect(c.kubectl('delete cm cfg').stdout).toBe('configmap "cfg" deleted\n');
    expect(c.kubectl('config view --minify').stdout).toContain('    namespace: team-a\n');
    expect(c.kubectl('config use-context other').stderr).toBe('error: no context exists with the name: "other"\n');
    expect(c.kubectl('config use-context kubernetes-admin@kubernetes').stdout).toBe('Switched to context "kubernetes-admin@kubernetes".\n');
    expect(c.kubectl('config set-context').stderr).toBe('error: you must specify a non-empty context name or --current\n');
  });
});

describe('kubectl wait and top', () => {
  it('answers from the state now: met, or the timeout error', () => {
    const c = createCluster();
    c.kubectl('run solo --image=nginx');
    expect(c.kubectl('wait --for=condition=Ready pod/solo --timeout=5s')).toEqual({ stdout: '', stderr: 'error: timed out waiting for the condition on pods/solo\n', exitCode: 1 });
    c.advance(30_000);
    expect(c.kubectl('wait --for=condition=Ready pod/solo')).toEqual({ stdout: 'pod/solo condition met\n', stderr: '', exitCode: 0 });
    expect(c.kubectl("wait --for=jsonpath='{.status.phase}'=Running pod/solo").stdout).toBe('pod/solo condition met\n');
    expect(c.kubectl('wait --for=delete pod/solo').stderr).toBe('error: timed out waiting for the condition on pods/solo\n');
    c.kubectl('delete pod solo --force');
    expect(c.kubectl('wait --for=delete pod/solo')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(c.kubectl('wait --for=condition=Ready pod/gone').stderr).toBe('Error from server (NotFound): pods "gone" not found\n');
    expect(c.kubectl('wait --for=condition=Ready pods -l app=none').stderr).toBe('error: no matching resources found\n');
    expect(c.kubectl('wait --for=sunrise pod/x').stderr).toBe('error: unrecognized condition: "sunrise"\n');
  });

  it('top says the Metrics API is not available', () => {
    const c = createCluster();
    expect(c.kubectl('top pods')).toEqual({ stdout: '', stderr: 'error: Metrics API not available\n', exitCode: 1 });
    expect(c.kubectl('top nodes').stderr).toBe('error: Metrics API not available\n');
  });
});
