import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;
const CM = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n`;

describe('kubectl apply / create -f / replace', () => {
  it('prints created, unchanged and configured per object', () => {
    const c = createCluster();
    expect(c.kubectl('apply -f -', { stdin: `${DEPLOY}---\n${CM}` })).toEqual({ stdout: 'deployment.apps/web created\nconfigmap/cfg created\n', stderr: '', exitCode: 0 });
    expect(c.kubectl('kubectl apply -f -', { stdin: CM }).stdout).toBe('configmap/cfg unchanged\n');
    expect(c.kubectl('apply -f web.yaml', { stdin: DEPLOY.replace('replicas: 2', 'replicas: 3') }).stdout).toBe('deployment.apps/web configured\n');
    expect((c.get('deploy', 'web') as any).spec.replicas).toBe(3);
  });

  it('warns when applying over an object made imperatively, then patches the annotation in', () => {
    const c = createCluster();
    c.kubectl('create configmap cfg --from-literal=a=1');
    expect(c.kubectl('apply -f -', { stdin: CM.replace('"1"', '"2"') })).toEqual({
      stdout: 'configmap/cfg configured\n',
      stderr:
        'Warning: resource configmaps/cfg is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n',
      exitCode: 0,
    });
    expect(c.kubectl('apply -f -', { stdin: CM.replace('"1"', '"2"') })).toEqual({ stdout: 'configmap/cfg unchanged\n', stderr: '', exitCode: 0 });
  });

  it('says a named file does not exist when nothing is piped in', () => {
    const c = createCluster();
    expect(c.kubectl('apply -f web.yaml')).toEqual({ stdout: '', stderr: 'error: the path "web.yaml" does not exist\n', exitCode: 1 });
    expect(c.kubectl('apply')).toEqual({ stdout: '', stderr: 'error: must specify one of -f and -k\n', exitCode: 1 });
  });

  it('words AlreadyExists with the source, and keeps going after a failed document', () => {
    const c = createCluster();
    c.kubectl('create -f -', { stdin: CM });
    const r = c.kubectl('create -f -', { stdin: `${CM}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n` });
    expect(r.stdout).toBe('configmap/other created\n');
    expect(r.stderr).toBe('Error from server (AlreadyExists): error when creating "STDIN": configmaps "cfg" already exists\n');
    expect(r.exitCode).toBe(1);
    expect(c.kubectl('create -f cm.yaml', { stdin: CM }).stderr).toBe('Error from server (AlreadyExists): error when creating "cm.yaml": configmaps "cfg" already exists\n');
  });

  it('reports YAML errors as kubectl does and gives the line beside stderr', () => {
    const c = createCluster();
    const r = c.kubectl('apply -f -', { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  b: [\n' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: error parsing STDIN: error converting YAML to JSON: yaml: line \d+: /);
    expect(r.diagnostics?.[0].line).toBeGreaterThan(0);
  });

  it('answers a retired apiVersion with the mapping error, the source, and a hint in diagnostics only', () => {
    const c = createCluster();
    const r = c.kubectl('apply -f old.yaml', { stdin: 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\n' });
    expect(r.stderr).toBe(
      'error: resource mapping not found for name: "web" namespace: "" from "old.yaml": no matches for kind "Deployment" in version "extensions/v1beta1"\nensure CRDs are installed first\n',
    );
    expect(r.diagnostics).toEqual([expect.objectContaining({ line: 1, hint: expect.stringContaining('apps/v1') })]);
  });

  it('dry runs write nothing and say so', () => {
    const c = createCluster();
    expect(c.kubectl('apply -f - --dry-run=client', { stdin: CM }).stdout).toBe('configmap/cfg created (dry run)\n');
    expect(c.kubectl('create -f - --dry-run=server', { stdin: CM }).stdout).toBe('configmap/cfg created (server dry run)\n');
    expect(c.get('cm', 'cfg')).toBeUndefined();
    expect(c.kubectl('apply -f - --dry-run=client -o yaml', { stdin: CM }).stdout).toBe('apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\n');
    expect(c.kubectl('apply -f - --dry-run=maybe', { stdin: CM }).stderr).toBe('error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n');
  });

  it('prints -o name and honours -n and the context namespace', () => {
    const c = createCluster();
    c.kubectl('create namespace team-a');
    expect(c.kubectl('apply -f - -o name -n team-a', { stdin: CM }).stdout).toBe('configmap/cfg\n');
    expect(c.get('cm', 'cfg', 'team-a')).toBeDefined();
    const r = c.kubectl('apply -f - -n kube-system', { stdin: CM.replace('name: cfg', 'name: cfg\n  namespace: team-a') });
    expect(r.stderr).toContain('the namespace from the provided object "team-a" does not match the namespace "kube-system"');
    // The context's namespace is only a default: a manifest's own namespace wins without -n.
    c.kubectl('config set-context --current --namespace=kube-system');
    expect(c.kubectl('apply -f -', { stdin: CM.replace('name: cfg', 'name: mine\n  namespace: team-a') }).stdout).toBe('configmap/mine created\n');
    expect(c.get('cm', 'mine', 'team-a')).toBeDefined();
    expect(c.kubectl('apply -f -', { stdin: CM.replace('name: cfg', 'name: here') }).stdout).toBe('configmap/here created\n');
    expect(c.get('cm', 'here', 'kube-system')).toBeDefined();
  });

  it('replace swaps the object, and a missing one is NotFound', () => {
    const c = createCluster();
    expect(c.kubectl('replace -f -', { stdin: CM }).stderr).toBe('Error from server (NotFound): error when replacing "STDIN": configmaps "cfg" not found\n');
    c.apply(CM);
    expect(c.kubectl('replace -f -', { stdin: CM.replace('"1"', '"9"') }).stdout).toBe('configmap/cfg replaced\n');
    expect((c.get('cm', 'cfg') as any).data).toEqual({ a: '9' });
  });
});

describe('kubectl delete', () => {
  it('deletes by type and names, type/name, and reports the missing', () => {
    const c = createCluster();
    c.apply(`${DEPLOY}---\n${CM}`);
    expect(c.kubectl('delete deploy/web cm/cfg')).toEqual({ stdout: 'deployment.apps "web" deleted\nconfigmap "cfg" deleted\n', stderr: '', exitCode: 0 });
    expect(c.kubectl('delete configmap cfg')).toEqual({ stdout: '', stderr: 'Error from server (NotFound): configmaps "cfg" not found\n', exitCode: 1 });
    expect(c.kubectl('delete configmap cfg --ignore-not-found')).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('needs names, a selector or --all', () => {
    const c = createCluster();
    expect(c.kubectl('delete pods').stderr).toBe('error: resource(s) were provided, but no name was specified\n');
    expect(c.kubectl('delete').stderr).toContain('error: You must provide one or more resources by argument or filename.');
    expect(c.kubectl('delete nosuch x').stderr).toBe('error: the server doesn\'t have a resource type "nosuch"\n');
    expect(c.kubectl('delete cm -l app=none').stdout).toBe('No resources found\n');
  });

  it('deletes by label and with --all in the namespace', () => {
    const c = createCluster();
    c.apply(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {tier: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {tier: x}\n`);
    expect(c.kubectl('delete cm -l tier=x').stdout).toBe('configmap "a" deleted\nconfigmap "c" deleted\n');
    // --all takes the namespace's kube-root-ca.crt too, as on a real cluster (its publisher puts it back).
    expect(c.kubectl('delete cm --all').stdout).toBe('configmap "b" deleted\nconfigmap "kube-root-ca.crt" deleted\n');
    c.advance(200);
    expect(c.list('cm', { namespace: 'default' }).map((o) => o.metadata.name)).toEqual(['kube-root-ca.crt']);
  });

  it('deletes what a manifest names', () => {
    const c = createCluster();
    c.apply(CM);
    expect(c.kubectl('delete -f -', { stdin: CM }).stdout).toBe('configmap "cfg" deleted\n');
    expect(c.kubectl('delete -f cm.yaml', { stdin: CM }).stderr).toBe('Error from server (NotFound): error when deleting "cm.yaml": configmaps "cfg" not found\n');
  });

  it('force deletes with the real warning; a bound pod is otherwise graceful', () => {
    const c = createCluster();
    c.apply(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: node-1\n  containers:\n  - name: c\n    image: nginx\n`);
    expect(c.kubectl('delete pod p --grace-period=30').stdout).toBe('pod "p" deleted\n');
    expect((c.get('pod', 'p') as any)?.metadata.deletionTimestamp).toBeDefined();
    const r = c.kubectl('delete pod p --force');
    expect(r.stdout).toBe('pod "p" force deleted\n');
    expect(r.stderr).toBe(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
    expect(r.exitCode).toBe(0);
    expect(c.get('pod', 'p')).toBeUndefined();
  });

  it('reads --cascade, including the deprecated booleans', () => {
    const c = createCluster();
    c.apply(DEPLOY);
    expect(c.kubectl('delete deploy web --cascade=sideways').stderr).toBe('error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan".\n');
    const r = c.kubectl('delete deploy web --cascade=false');
    expect(r.stdout).toBe('deployment.apps "web" deleted\n');
    expect(r.stderr).toBe('warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n');
    expect(c.kubectl('delete pod x --now --grace-period=5').stderr).toBe('error: --now and --grace-period cannot be specified together\n');
  });

  it('will not delete the default namespace', () => {
    const c = createCluster();
    expect(c.kubectl('delete ns default').stderr).toBe('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n');
  });
});
