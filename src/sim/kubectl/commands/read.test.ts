import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

const run = (c: ReturnType<typeof createCluster>, line: string) => c.kubectl(line);

describe('kubectl get on the boot cluster', () => {
  const c = createCluster();
  it('get nodes', () => {
    expect(run(c, 'kubectl get nodes')).toEqual({
      stdout: [
        'NAME            STATUS   ROLES           AGE   VERSION',
        'control-plane   Ready    control-plane   30s   v1.30.2',
        'node-1          Ready    <none>          30s   v1.30.2',
        'node-2          Ready    <none>          30s   v1.30.2',
        'node-3          Ready    <none>          30s   v1.30.2',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });
  it('get ns', () => {
    expect(run(c, 'get ns').stdout).toBe(
      'NAME              STATUS   AGE\ndefault           Active   30s\nkube-node-lease   Active   30s\nkube-public       Active   30s\nkube-system       Active   30s\n',
    );
  });
  it('get pods -n kube-system lists the system pods, sorted by name', () => {
    const lines = run(c, 'get pods -n kube-system').stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('NAME                                    READY   STATUS    RESTARTS   AGE');
    expect(lines).toContain('etcd-control-plane                      1/1     Running   0          30s');
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual([...lines.slice(1).map((l) => l.split(' ')[0])].sort());
    expect(lines.filter((l) => l.startsWith('kube-proxy-'))).toHaveLength(4);
  });
  it('no resources, unknown types, missing names', () => {
    expect(run(c, 'get pods')).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
    expect(run(c, 'get deploy -A -l app=none')).toEqual({ stdout: '', stderr: 'No resources found\n', exitCode: 0 });
    expect(run(c, 'get foo')).toEqual({ stdout: '', stderr: 'error: the server doesn\'t have a resource type "foo"\n', exitCode: 1 });
    expect(run(c, 'get pod x')).toEqual({ stdout: '', stderr: 'Error from server (NotFound): pods "x" not found\n', exitCode: 1 });
    expect(run(c, 'get deployments.apps nope').stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    expect(run(c, 'get pods -o xml').stderr).toMatch(/^error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,/);
  });
  it('get all prints kind/name, one table per kind, a blank line between', () => {
    const all = run(c, 'get all -n kube-system').stdout;
    expect(all.startsWith('NAME                                        READY   STATUS    RESTARTS   AGE\npod/coredns-')).toBe(true);
    expect(all).toContain('\n\nNAME               TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE\nservice/kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   30s\n\n');
    expect(all).toContain('\n\nNAME                      READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/coredns   2/2     2            2           30s\n');
    expect(run(c, 'get svc,deploy -n kube-system -o name').stdout).toBe('service/kube-dns\ndeployment.apps/coredns\n');
  });
  it('type/name, selectors, field selectors, custom columns, jsonpath, sort-by', () => {
    expect(run(c, 'get svc/kubernetes node/node-1 -o name').stdout).toBe('service/kubernetes\nnode/node-1\n');
    expect(run(c, 'get pods -A -l component=etcd -o name').stdout).toBe('pod/etcd-control-plane\n');
    expect(run(c, 'get pods -A --field-selector spec.nodeName=control-plane,metadata.name=etcd-control-plane -o name').stdout).toBe('pod/etcd-control-plane\n');
    expect(run(c, 'get pods --field-selector foo=bar').stderr).toBe(
      'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": field label not supported: foo\n',
    );
    expect(run(c, `get nodes -o 'custom-columns=NAME:.metadata.name,IP:.status.addresses[?(@.type=="InternalIP")].address' --no-headers`).stdout).toBe(
      'control-plane   192.168.49.10\nnode-1          192.168.49.11\nnode-2          192.168.49.12\nnode-3          192.168.49.13\n',
    );
    expect(run(c, `get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}'`).stdout).toBe(
      'control-plane=True\nnode-1=True\nnode-2=True\nnode-3=True\n',
    );
    expect(run(c, 'get node node-2 -o jsonpath={.spec.podCIDR}').stdout).toBe('10.244.2.0/24');
    expect(run(c, 'get nodes --sort-by=.status.addresses[0].address -o name').stdout.split('\n')[0]).toBe('node/control-plane');
  });
  it('-o yaml of one object prints it; of a list, a List', () => {
    const one = run(c, 'get svc kubernetes -o yaml').stdout;
    expect(one.startsWith('apiVersion: v1\nkind: Service\nmetadata:\n')).toBe(true);
    expect(one).toContain('  resourceVersion: "');
    const list = run(c, 'get svc -o yaml').stdout;
    expect(list.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n')).toBe(true);
    expect(list.endsWith('kind: List\nmetadata:\n  resourceVersion: ""\n')).toBe(true);
    expect(JSON.parse(run(c, 'get ns default -o json').stdout).metadata.name).toBe('default');
  });
  it('get events: LAST SEEN TYPE REASON OBJECT MESSAGE, oldest first', () => {
    const out = run(c, 'get events').stdout.split('\n');
    expect(out[0]).toMatch(/^LAST SEEN {3}TYPE {5}REASON +OBJECT +MESSAGE$/);
    expect(out.some((l) => /Normal +Starting +node\/node-1 +Starting kubelet\./.test(l))).toBe(true);
  });
});

describe('kubectl get on objects the test builds', () => {
  it('shows a deployment, its replica set and pods with -o wide', () => {
    const c = createCluster();
    c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.25}]
`);
    c.advance(20_000);
    expect(run(c, 'get deploy web -o wide').stdout).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\nweb    2/2     2            2           20s   nginx        nginx:1.25   app=web\n',
    );
    expect(run(c, 'get rs -o name').stdout).toMatch(/^replicaset\.apps\/web-[a-z0-9]+\n$/);
    const pods = run(c, 'get pods -l app=web -o wide').stdout.split('\n');
    expect(pods[0]).toBe('NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES');
    expect(pods[1]).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5} {3}1\/1 {5}Running {3}0 {10}20s {3}10\.244\.\d\.\d+ {3}node-\d {3}<none> {11}<none>$/);
  });
  it('get -w prints the current table and says the console keeps watching', () => {
    const c = createCluster();
    const r = run(c, 'get pods -w');
    expect(r.stdout).toBe('NAME   READY   STATUS   RESTARTS   AGE\n');
    expect(r.stderr).toContain('the console keeps watching');
    expect(r.exitCode).toBe(0);
  });
});

describe('kubectl describe', () => {
  const c = createCluster();
  it('a node: labels, taints, conditions, capacity, pods and allocated resources', () => {
    const out = run(c, 'describe node control-plane').stdout;
    expect(out).toContain('Name:               control-plane\nRoles:              control-plane\nLabels:             beta.kubernetes.io/arch=amd64\n');
    expect(out).toContain('Taints:             node-role.kubernetes.io/control-plane:NoSchedule\nUnschedulable:      false\n');
    expect(out).toContain('Addresses:\n  InternalIP:  192.168.49.10\n  Hostname:    control-plane\n');
    expect(out).toContain('Capacity:\n  cpu:                2\n');
    expect(out).toMatch(/Non-terminated Pods: +\(6 in total\)\n/);
    expect(out).toContain('Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource           Requests    Limits\n  --------           --------    ------\n  cpu                750m (37%)  0 (0%)\n');
  });
  it('a pod: node/IP, containers, conditions with their trailing space, QoS, tolerations, events', () => {
    const out = run(c, 'describe pod -n kube-system etcd-control-plane').stdout;
    expect(out).toContain('Node:                 control-plane/192.168.49.10\n');
    // The container name stands alone on its line (no padding), ending the tab block above it.
    expect(out).toContain('Status:               Running\nIP:                   192.168.49.10\nIPs:\n  IP:  192.168.49.10\nContainers:\n  etcd:\n    Container ID:   containerd://');
    expect(out).toContain('    Requests:\n      cpu:        100m\n');
    expect(out).toContain('Conditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n');
    expect(out).toContain('QoS Class:                    Burstable\n');
    expect(out).toMatch(/Events:\n {2}Type {4}Reason +Age {3}From {5}Message\n {2}---- {4}------ +---- {2}---- {5}-------\n/);
  });
  it('a deployment: replicas line, strategy, template, conditions, replica sets', () => {
    const out = run(c, 'describe deployment coredns -n kube-system').stdout;
    expect(out).toContain('Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable\nStrategyType:           RollingUpdate\nMinReadySeconds:        0\nRollingUpdateStrategy:  1 max unavailable, 25% max surge\nPod Template:\n');
    expect(out).toMatch(/NewReplicaSet: +coredns-[a-z0-9]+ \(2\/2 replicas created\)\n/);
  });
  it('a service, a configmap, a namespace; errors and empty lists', () => {
    expect(run(c, 'describe svc kubernetes').stdout).toContain('IPs:                      10.96.0.1\nPort:                     https  443/TCP\nTargetPort:               6443/TCP\n');
    c.apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: "1"}\n');
    expect(run(c, 'describe cm cfg').stdout).toBe('Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\na:\n----\n1\n\nBinaryData\n====\n\nEvents:  <none>\n');
    expect(run(c, 'describe ns kube-public').stdout).toBe(
      'Name:         kube-public\nLabels:       kubernetes.io/metadata.name=kube-public\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n',
    );
    expect(run(c, 'describe pod nope')).toEqual({ stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n', exitCode: 1 });
    expect(run(c, 'describe pods')).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
    // A name that matches no object exactly describes those it prefixes, as kubectl does.
    expect(run(c, 'describe pods -n kube-system kube-proxy').stdout.match(/^Name: /gm)).toHaveLength(4);
  });
});

describe('api-resources, api-versions, version, cluster-info', () => {
  const c = createCluster();
  it('api-resources lists every kind with its short names', () => {
    const out = run(c, 'api-resources').stdout.split('\n');
    expect(out[0]).toBe('NAME                       SHORTNAMES   APIVERSION                     NAMESPACED   KIND');
    expect(out).toContain('deployments                deploy       apps/v1                        true         Deployment');
    expect(run(c, 'api-resources --namespaced=false -o name').stdout.split('\n')[0]).toBe('namespaces');
  });
  it('api-versions ends with v1', () => {
    const out = run(c, 'api-versions').stdout.trimEnd().split('\n');
    expect(out[0]).toBe('apps/v1');
    expect(out[out.length - 1]).toBe('v1');
    expect(out).toContain('autoscaling/v1');
  });
  it('version and cluster-info', () => {
    expect(run(c, 'version').stdout).toBe('Client Version: v1.30.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.30.2\n');
    expect(JSON.parse(run(c, 'version --client -o json').stdout)).toMatchObject({ clientVersion: { major: '1', minor: '30', gitVersion: 'v1.30.2' } });
    expect(run(c, 'cluster-info').stdout).toBe(
      'Kubernetes control plane is running at https://192.168.49.10:6443\nCoreDNS is running at https://192.168.49.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use \'kubectl cluster-info dump\'.\n',
    );
  });
});
