import { describe, expect, test } from 'vitest';
import { createCluster, type Cluster } from '../index';
import { installRuntimeDouble, netexec } from './testing';
import type { Network } from './network';
import { cidrContains } from '../node/ipam';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {role: client}}
spec:
  containers: [{name: c, image: busybox, command: [sleep, '3600']}]
`;

const SVC = (extra = '') => `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
${extra}`;

function cluster(opts: Parameters<typeof createCluster>[0] = {}): Cluster {
  const c = createCluster(opts);
  installRuntimeDouble(c);
  return c;
}

function ok(c: Cluster, yaml: string): void {
  for (const r of c.apply(yaml)) if (r.error) throw new Error(`${r.kind}/${r.name}: ${r.error.message}`);
}

const net = (c: Cluster) => c.network as Network;

describe('Service address allocation', () => {
  test('ClusterIP is allocated from the service CIDR; a taken or out-of-range IP is refused with the API server message', () => {
    const c = cluster();
    ok(c, SVC());
    const ip = (c.get('svc', 'web') as any).spec.clusterIP;
    expect(cidrContains('10.96.0.0/12', ip)).toBe(true);
    expect((c.get('svc', 'web') as any).spec.clusterIPs).toEqual([ip]);
    const taken = c.apply(`apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  clusterIP: 10.96.0.10\n  ports: [{port: 80}]\n`)[0];
    expect(taken.error?.message).toBe('Error from server (Invalid): The Service "other" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated');
    const outside = c.apply(`apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  clusterIP: 10.0.0.5\n  ports: [{port: 80}]\n`)[0];
    expect(outside.error?.message).toBe(
      'Error from server (Invalid): The Service "other" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    // Released on delete: the same address can be asked for again.
    c.delete('svc/web');
    expect(c.apply(`apiVersion: v1\nkind: Service\nmetadata: {name: again}\nspec:\n  clusterIP: ${ip}\n  ports: [{port: 80}]\n`)[0].error).toBeUndefined();
  });

  test('headless and ExternalName Services hold no cluster IP', () => {
    const c = cluster();
    ok(c, `apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports: [{port: 5432}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: example.com\n`);
    expect((c.get('svc', 'db') as any).spec.clusterIP).toBe('None');
    expect((c.get('svc', 'ext') as any).spec.clusterIP).toBeUndefined();
  });

  test('NodePort is allocated in 30000-32767, kept when a re-apply leaves it out, and refused when taken', () => {
    const c = cluster();
    ok(c, SVC('  type: NodePort'));
    const np = (c.get('svc', 'web') as any).spec.ports[0].nodePort;
    expect(np).toBeGreaterThanOrEqual(30000);
    expect(np).toBeLessThanOrEqual(32767);
    expect(c.apply(SVC('  type: NodePort'))[0].action).toBe('unchanged');
    expect((c.get('svc', 'web') as any).spec.ports[0].nodePort).toBe(np);
    const r = c.apply(`apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: ${np}}]\n`)[0];
    expect(r.error?.message).toBe(`Error from server (Invalid): The Service "other" is invalid: spec.ports[0].nodePort: Invalid value: ${np}: provided port is already allocated`);
  });

  test('LoadBalancer gets an external IP from 203.0.113.0/24 after the cloud provisions it, with the service controller events', () => {
    const c = cluster();
    ok(c, SVC('  type: LoadBalancer'));
    expect((c.get('svc', 'web') as any).status?.loadBalancer?.ingress).toBeUndefined();
    c.advance(3000);
    expect((c.get('svc', 'web') as any).status.loadBalancer.ingress).toEqual([{ ip: '203.0.113.10', ipMode: 'VIP' }]);
    const evs = c.events().filter((e: any) => e.involvedObject.name === 'web' && e.involvedObject.kind === 'Service').map((e: any) => `${e.reason}: ${e.message}`);
    expect(evs).toEqual(['EnsuringLoadBalancer: Ensuring load balancer', 'EnsuredLoadBalancer: Ensured load balancer']);
    expect(c.kubectl('get svc web').stdout).toContain('203.0.113.10');
  });
});

describe('kube-proxy iptables rules', () => {
  test('iptables-save -t nat shows KUBE-SERVICES → KUBE-SVC → KUBE-SEP with kube-proxy probabilities', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC('  type: NodePort'));
    c.advance(10_000);
    const kp = c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' })[0] as any;
    const out = netexec(c, 'kube-system', kp.metadata.name, 'iptables-save -t nat').stdout;
    const svc = c.get('svc', 'web') as any;
    const eps = (c.list('pod', { labelSelector: 'app=web' }) as any[]).map((p) => p.status.podIP).sort();
    expect(eps).toHaveLength(3);
    // Chain names are kube-proxy's: base32(sha256("default/web:http" + "tcp")).
    expect(out).toContain(`-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d ${svc.spec.clusterIP}/32 --dport 80 -j KUBE-SVC-`);
    const svcChain = /-j (KUBE-SVC-[A-Z2-7]{16})\n/.exec(out.slice(out.indexOf('"default/web:http cluster IP"')))![1];
    const lines = out.split('\n').filter((l) => l.startsWith(`-A ${svcChain} `));
    expect(lines[0]).toBe(`-A ${svcChain} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d ${svc.spec.clusterIP}/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ`);
    expect(lines.slice(1).map((l) => l.replace(/KUBE-SEP-[A-Z2-7]{16}/, 'SEP'))).toEqual([
      `-A ${svcChain} -m comment --comment "default/web:http -> ${eps[0]}:80" -m statistic --mode random --probability 0.3333333333 -j SEP`,
      `-A ${svcChain} -m comment --comment "default/web:http -> ${eps[1]}:80" -m statistic --mode random --probability 0.5000000000 -j SEP`,
      `-A ${svcChain} -m comment --comment "default/web:http -> ${eps[2]}:80" -j SEP`,
    ]);
    expect(out).toContain(`-A KUBE-NODEPORTS -m comment --comment "default/web:http" -m tcp -p tcp --dport ${svc.spec.ports[0].nodePort} -j KUBE-EXT-${svcChain.slice(9)}`);
    expect(out).toContain(`-j DNAT --to-destination ${eps[0]}:80`);
    expect(out).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
    expect(out.startsWith('# Generated by iptables-save v1.8.9 (nf_tables) on ')).toBe(true);
  });

  test('sessionAffinity ClientIP sends one client to the same pod every time', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC('  sessionAffinity: ClientIP'));
    c.advance(10_000);
    const served = new Set<string>();
    for (let i = 0; i < 10; i++) served.add(c.trace({ from: 'pod/default/client', to: 'service/default/web' }).servedBy!);
    expect(served.size).toBe(1);
  });

  test('without affinity, repeated requests spread over every ready pod', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC());
    c.advance(10_000);
    const bodies = new Set<string>();
    for (let i = 0; i < 30; i++) bodies.add(netexec(c, 'default', 'client', 'curl -s http://web').stdout);
    expect([...bodies].map((b) => b.split(' ')[0].replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual(['web', 'web', 'web']);
  });
});

describe('DNS', () => {
  test('nslookup prints what dnsutils prints, with the search list applied', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC());
    c.advance(10_000);
    const ip = (c.get('svc', 'web') as any).spec.clusterIP;
    expect(netexec(c, 'default', 'client', 'nslookup web')).toEqual({
      stdout: `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: ${ip}\n\n`,
      stderr: '',
      exitCode: 0,
    });
    expect(netexec(c, 'default', 'client', 'nslookup nope')).toEqual({ stdout: `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nope: NXDOMAIN\n\n`, stderr: '', exitCode: 1 });
    expect(netexec(c, 'default', 'client', 'host kube-dns.kube-system').stdout).toBe('kube-dns.kube-system.svc.cluster.local has address 10.96.0.10\n');
    // dig does not search: a bare name is asked as "web." and is NXDOMAIN.
    expect(netexec(c, 'default', 'client', 'dig +short web').stdout).toBe('');
    expect(netexec(c, 'default', 'client', 'dig +short web.default.svc.cluster.local').stdout).toBe(`${ip}\n`);
  });

  test('headless Services answer with pod IPs; SRV for named ports; pod A records; ExternalName CNAME', () => {
    const c = cluster();
    ok(
      c,
      WEB +
        `---
apiVersion: v1
kind: Service
metadata: {name: web-peers}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  type: ExternalName
  externalName: example.com
`,
    );
    c.advance(10_000);
    const ips = (c.list('pod', { labelSelector: 'app=web' }) as any[]).map((p) => p.status.podIP).sort();
    expect(netexec(c, 'default', 'client', 'dig +short web-peers.default.svc.cluster.local').stdout.trim().split('\n').sort()).toEqual(ips);
    const srv = netexec(c, 'default', 'client', 'host -t SRV _http._tcp.web-peers').stdout;
    expect(srv.split('\n').filter(Boolean)).toHaveLength(3);
    expect(srv).toContain(`_http._tcp.web-peers.default.svc.cluster.local has SRV record 0 33 80 ${ips[0].replace(/\./g, '-')}.web-peers.default.svc.cluster.local.`);
    expect(netexec(c, 'default', 'client', 'host 10-244-1-7.default.pod').stdout).toBe('10-244-1-7.default.pod.cluster.local has address 10.244.1.7\n');
    expect(netexec(c, 'default', 'client', 'nslookup ext').stdout).toBe(
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\next.default.svc.cluster.local\tcanonical name = example.com.\nName:\texample.com\nAddress: 93.184.215.14\n\n',
    );
  });

  test('resolv.conf follows dnsPolicy', () => {
    const c = cluster();
    ok(c, `apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: kube-public}\nspec:\n  containers: [{name: c, image: busybox}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  dnsPolicy: None\n  dnsConfig: {nameservers: [1.1.1.1], searches: [corp.example], options: [{name: ndots, value: "2"}]}\n  containers: [{name: c, image: busybox}]\n`);
    const n = net(c);
    expect(n.resolvConf(c.get('pod', 'a', 'kube-public') as any)).toBe('search kube-public.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect(n.resolvConf(c.get('pod', 'b') as any)).toBe('search corp.example\nnameserver 1.1.1.1\noptions ndots:2\n');
  });

  test('with no ready CoreDNS pod, lookups time out', () => {
    const c = cluster();
    ok(c, WEB);
    c.kubectl('scale deployment coredns -n kube-system --replicas=0');
    c.ctx.api.mutate('Deployment', 'kube-system', 'coredns', (d) => void (d.spec.replicas = 0));
    c.advance(60_000);
    expect(netexec(c, 'default', 'client', 'nslookup web')).toEqual({ stdout: ';; connection timed out; no servers could be reached\n\n', stderr: '', exitCode: 1 });
    expect(netexec(c, 'default', 'client', 'curl -s web')).toEqual({ stdout: '', stderr: 'curl: (6) Could not resolve host: web\n', exitCode: 6 });
  });
});

describe('traces', () => {
  test('pod → Service: DNAT on the source node to a ready endpoint, then delivered; the reply is un-DNATed', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC());
    c.advance(10_000);
    const svcIP = (c.get('svc', 'web') as any).spec.clusterIP;
    const t = c.trace({ from: 'pod/default/client', to: 'service/default/web' });
    expect(t.outcome).toBe('delivered');
    // The first DNAT is the DNS query to kube-dns (the name is resolved first), the last the Service's.
    expect(t.hops.filter((h) => h.action === 'dnat')).toHaveLength(2);
    expect(t.hops.find((h) => h.action === 'lookup')!.note).toBe(`CoreDNS answers web.default.svc.cluster.local → ${svcIP}.`);
    const dnat = t.hops.filter((h) => h.action === 'dnat')[1];
    const client = c.get('pod', 'client') as any;
    expect(dnat.node).toBe(client.spec.nodeName);
    expect(dnat.rule).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    const target = (c.list('pod', { labelSelector: 'app=web' }) as any[]).find((p) => `pod/default/${p.metadata.name}` === t.servedBy)!;
    expect(dnat.packet.dst).toBe(target.status.podIP);
    expect(t.http).toEqual({ status: 200, body: `${target.metadata.name} /\n` });
    const undnat = t.reply!.find((h) => h.action === 'un-dnat')!;
    expect(undnat.packet).toMatchObject({ src: svcIP, dst: client.status.podIP, srcPort: 80 });
    // Across nodes the packet goes through flannel's VXLAN.
    if (target.spec.nodeName !== client.spec.nodeName) expect(t.hops.map((h) => h.action)).toContain('encapsulate');
  });

  test('pod → pod on one node stays on the bridge; across nodes it is VXLAN-encapsulated between node IPs', () => {
    const c = cluster({ nodes: [{ name: 'cp', role: 'control-plane' }, { name: 'n1' }, { name: 'n2' }] });
    ok(
      c,
      ['a', 'b', 'c']
        .map((n, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec:\n  nodeName: ${i < 2 ? 'n1' : 'n2'}\n  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]\n`)
        .join('---\n'),
    );
    c.advance(10_000);
    const same = c.trace({ from: 'pod/default/a', to: 'pod/default/b' });
    expect(same.outcome).toBe('delivered');
    expect(same.hops.map((h) => `${h.action}@${h.device ?? h.where}`)).toEqual([
      'route@eth0',
      expect.stringMatching(/^forward@veth[a-z2-7]{8}$/),
      'forward@cni0',
      'forward@cni0',
      expect.stringMatching(/^forward@veth[a-z2-7]{8}$/),
      'deliver@eth0',
    ]);
    const across = c.trace({ from: 'pod/default/a', to: 'pod/default/c' });
    expect(across.outcome).toBe('delivered');
    const wire = across.hops.find((h) => h.where === 'network')!;
    expect(wire.packet).toEqual({ src: '192.168.49.11', dst: '192.168.49.12', srcPort: 8472, dstPort: 8472, protocol: 'UDP' });
    expect(across.hops.map((h) => h.action)).toEqual(['route', 'forward', 'forward', 'encapsulate', 'forward', 'decapsulate', 'forward', 'forward', 'deliver']);
  });

  test('pod → internet is masqueraded to the node IP', () => {
    const c = cluster();
    ok(c, WEB);
    c.advance(10_000);
    const t = c.trace({ from: 'pod/default/client', to: 'http://example.com/' });
    expect(t.outcome).toBe('delivered');
    const snat = t.hops.find((h) => h.action === 'snat')!;
    const client = c.get('pod', 'client') as any;
    expect(snat.packet.src).toBe(client.status.hostIP);
    expect(t.reply!.some((h) => h.action === 'un-snat' && h.packet.dst === client.status.podIP)).toBe(true);
  });

  test('a Service with no endpoints refuses; curl says so', () => {
    const c = cluster();
    ok(c, WEB.split('---')[1] + '---\n' + SVC());
    c.advance(10_000);
    const t = c.trace({ from: 'pod/default/client', to: 'service/default/web' });
    expect(t.outcome).toBe('refused');
    expect(t.reason).toBe('Service default/web has no ready endpoints, so the connection is refused.');
    expect(netexec(c, 'default', 'client', 'curl -s web').stderr).toBe("curl: (7) Failed to connect to web port 80 after 0 ms: Couldn't connect to server\n");
  });

  test('internet → NodePort and → LoadBalancer; externalTrafficPolicy Local keeps the client IP and only uses local endpoints', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC('  type: LoadBalancer'));
    c.advance(10_000);
    const t = c.trace({ from: 'external', to: 'service/default/web' });
    expect(t.outcome).toBe('delivered');
    expect(t.hops[1].where).toBe('loadbalancer/default/web');
    expect(t.hops.some((h) => h.action === 'snat' || h.action === 'dnat')).toBe(true);
    ok(c, SVC('  type: LoadBalancer\n  externalTrafficPolicy: Local'));
    c.advance(1000);
    for (let i = 0; i < 5; i++) {
      const l = c.trace({ from: 'external', to: 'service/default/web' });
      expect(l.outcome).toBe('delivered');
      const entry = l.hops.find((h) => h.where.startsWith('node/'))!.node;
      const served = c.get('pod', l.servedBy!.split('/')[2]) as any;
      expect(served.spec.nodeName).toBe(entry);
      expect(l.hops.some((h) => h.action === 'snat')).toBe(false);
      expect(l.hops[l.hops.length - 1].packet.src).toBe('198.51.100.7');
    }
  });

  test('cluster IPs are not reachable from outside', () => {
    const c = cluster();
    ok(c, WEB + '---\n' + SVC());
    c.advance(10_000);
    expect(c.trace({ from: 'external', to: 'service/default/web' })).toMatchObject({ outcome: 'unreachable' });
  });

  test('a name that does not exist is nxdomain', () => {
    const c = cluster();
    ok(c, WEB);
    c.advance(10_000);
    const t = c.trace({ from: 'pod/default/client', to: 'nope' });
    expect(t.outcome).toBe('nxdomain');
    expect(t.reason).toBe('No DNS record exists for nope (tried nope.default.svc.cluster.local, nope.svc.cluster.local, nope.cluster.local, nope).');
  });
});
