/**
 * Seed deck 001 ("Docker / Kubernetes / Istio", Araf Karsh Hamid), section 3 "Kubernetes
 * Networking", slides 54–64: the packet walks the deck draws, replayed with `cluster.trace`.
 * The slides place Pod 1 and Pod 2 on Node 1 and Pod 3 on Node 2; the pods here are pinned the
 * same way with `nodeName`. The deck draws a plain routed network between nodes; the simulated
 * cluster runs flannel in VXLAN mode (README, "Network model"), so the between-nodes leg is a
 * VXLAN packet between the node IPs — the pod packet inside it is unchanged, which is the point
 * the slides make ("no NAT").
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { cidrContains } from '../../node/ipam';
import { addr, afterLookup, path, scenario, type Scenario } from './scenario';

const pod = (name: string, node: string, labels: string, image: string, port?: number) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: ${labels}
spec:
  nodeName: ${node}
  containers:
  - name: container-1
    image: ${image}
${port ? `    ports: [{containerPort: ${port}}]\n` : '    command: [sleep, "3600"]\n'}---
`;

// Slide 61's "Service1": a Service in front of Pod 3.
const SERVICE1 = `apiVersion: v1
kind: Service
metadata:
  name: service1
spec:
  selector:
    app: pod3
  ports:
  - port: 80
`;

describe('seed 001 §3 Kubernetes Networking: the packet walks of slides 54–64', () => {
  let s: Scenario;
  let pod1: string, pod2: string, pod3: string, node1: string, node2: string, svcIP: string;
  beforeAll(() => {
    s = scenario({ nodes: 2 });
    s.apply(pod('pod1', 'node-1', '{app: pod1}', 'busybox:1.36') + pod('pod2', 'node-1', '{app: pod2}', 'nginx:1.25', 80) + pod('pod3', 'node-2', '{app: pod3}', 'nginx:1.25', 80) + SERVICE1);
    s.c.advance(30_000);
    [pod1, pod2, pod3] = ['pod1', 'pod2', 'pod3'].map((n) => s.podIP(n));
    [node1, node2] = ['node-1', 'node-2'].map((n) => s.nodeIP(n));
    svcIP = s.get('svc', 'service1').spec.clusterIP;
  });

  test('slide 56 "3 networks": node, pod and service addresses come from three separate ranges', () => {
    expect([node1, node2]).toEqual(['192.168.49.11', '192.168.49.12']);
    // One /24 per node out of the pod network: Pod 1 and Pod 2 share node-1's, Pod 3 is in node-2's.
    const cidr1 = s.get('node', 'node-1').spec.podCIDR;
    const cidr2 = s.get('node', 'node-2').spec.podCIDR;
    expect([cidr1, cidr2]).toEqual(['10.244.1.0/24', '10.244.2.0/24']);
    expect([pod1, pod2].every((ip) => cidrContains(cidr1, ip))).toBe(true);
    expect(cidrContains(cidr2, pod3)).toBe(true);
    expect(cidrContains('10.96.0.0/12', svcIP)).toBe(true);
    for (const ip of [pod1, pod2, pod3, svcIP]) expect(cidrContains('192.168.49.0/24', ip)).toBe(false);
    expect(cidrContains('10.244.0.0/16', svcIP)).toBe(false);
    // `kubectl get pods -o wide` shows each pod's IP and node as the slide labels them.
    const wide = s.k('get pods -o wide');
    expect(wide).toMatch(new RegExp(`^pod1 +1/1 +Running +0 +\\S+ +${pod1.replace(/\./g, '\\.')} +node-1 `, 'm'));
    expect(wide).toMatch(new RegExp(`^pod3 +1/1 +Running +0 +\\S+ +${pod3.replace(/\./g, '\\.')} +node-2 `, 'm'));
  });

  test('slide 59 pod to pod inside a node: eth0 → veth0 → the L2 bridge → veth1 → eth0 of Pod 2, never leaving the node', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: 'pod/default/pod2' });
    expect(t.outcome).toBe('delivered');
    expect(t.servedBy).toBe('pod/default/pod2');
    expect(path(t.hops)).toEqual([
      'route pod/default/pod1 eth0',
      'forward node/node-1 veth*',
      'forward node/node-1 cni0',
      'forward node/node-1 cni0',
      'forward node/node-1 veth*',
      'deliver pod/default/pod2 eth0',
    ]);
    // Two different veths: Pod 1's and Pod 2's ends of their pairs.
    expect(t.hops[1].device).not.toBe(t.hops[4].device);
    expect(t.hops.every((h) => h.node === 'node-1')).toBe(true);
    expect(t.hops.every((h) => addr(h) === `${pod1}:43512 > ${pod2}:80`)).toBe(true);
  });

  test('slide 60 pod to pod across nodes (Pod 1 → Pod 3): out of node-1, across the network, into node-2 — no NAT on the pod packet', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: 'pod/default/pod3' });
    expect(t.outcome).toBe('delivered');
    expect(t.servedBy).toBe('pod/default/pod3');
    expect(path(t.hops)).toEqual([
      'route pod/default/pod1 eth0',
      'forward node/node-1 veth*',
      'forward node/node-1 cni0',
      'encapsulate node/node-1 flannel.1',
      'forward network',
      'decapsulate node/node-2 flannel.1',
      'forward node/node-2 cni0',
      'forward node/node-2 veth*',
      'deliver pod/default/pod3 eth0',
    ]);
    const wire = t.hops.find((h) => h.where === 'network')!;
    expect(wire.packet).toEqual({ src: node1, dst: node2, srcPort: 8472, dstPort: 8472, protocol: 'UDP' });
    // Slide 54 rule 1: pods talk to pods without NAT — every pod-level hop carries Pod 1 → Pod 3.
    for (const h of t.hops.filter((x) => x.where !== 'network')) expect(h.packet.src + ' > ' + h.packet.dst).toBe(`${pod1} > ${pod3}`);
  });

  test('slide 54 rule 2: a node reaches a pod without NAT', () => {
    const t = s.c.trace({ from: 'node/node-1', to: 'pod/default/pod2' });
    expect(t.outcome).toBe('delivered');
    expect(t.hops.some((h) => h.action === 'snat' || h.action === 'dnat')).toBe(false);
    expect(t.hops[t.hops.length - 1].packet.dst).toBe(pod2);
  });

  test('slide 54 rule 3: the IP a pod has is the one others see it with (Pod 3 sees Pod 1 as Pod 1\'s own IP)', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: 'pod/default/pod3' });
    expect(t.hops[t.hops.length - 1].packet.src).toBe(pod1);
    expect(s.get('pod', 'pod1').status.podIPs).toEqual([{ ip: pod1 }]);
  });

  test('slide 61 pod to service (Pod 1 → Service1): kube-proxy\'s iptables rules on node-1 rewrite the destination to Pod 3, then the packet crosses to node-2', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: svcIP, port: 80 });
    expect(t.outcome).toBe('delivered');
    expect(t.servedBy).toBe('pod/default/pod3');
    expect(path(t.hops)).toEqual([
      'route pod/default/pod1 eth0',
      'forward node/node-1 veth*',
      'forward node/node-1 cni0',
      'dnat node/node-1',
      'encapsulate node/node-1 flannel.1',
      'forward network',
      'decapsulate node/node-2 flannel.1',
      'forward node/node-2 cni0',
      'forward node/node-2 veth*',
      'deliver pod/default/pod3 eth0',
    ]);
    const before = t.hops[2];
    const dnat = t.hops[3];
    expect(addr(before)).toBe(`${pod1}:43512 > ${svcIP}:80`);
    expect(addr(dnat)).toBe(`${pod1}:43512 > ${pod3}:80`);
    // The load balancing happened on the source node, by the Service's KUBE-SEP chain.
    expect(dnat.node).toBe('node-1');
    expect(dnat.rule).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(dnat.note).toContain(`rewrites the destination to ${pod3}:80 (pod default/pod3)`);
    // That chain is really in node-1's nat table.
    const kp = s.c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy', fieldSelector: 'spec.nodeName=node-1' })[0] as any;
    const nat = s.k(`exec -n kube-system ${kp.metadata.name} -- iptables-save -t nat`);
    expect(nat).toContain(`-A ${dnat.rule} -m comment --comment "default/service1" -m tcp -p tcp -j DNAT --to-destination ${pod3}:80`);
  });

  test('slide 62 the return journey (Pod 3 → Pod 1): on node-1 connection tracking rewrites the source back to the Service IP', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: svcIP, port: 80 });
    const reply = t.reply!;
    expect(path(reply)).toEqual([
      'forward pod/default/pod3 eth0',
      'forward node/node-2 veth*',
      'forward node/node-2 cni0',
      'encapsulate node/node-2 flannel.1',
      'forward network',
      'decapsulate node/node-1 flannel.1',
      'un-dnat node/node-1',
      'forward node/node-1 cni0',
      'forward node/node-1 veth*',
      'deliver pod/default/pod1 eth0',
    ]);
    expect(addr(reply[0])).toBe(`${pod3}:80 > ${pod1}:43512`);
    expect(addr(reply[6])).toBe(`${svcIP}:80 > ${pod1}:43512`);
    // Pod 1 only ever sees the Service's address answering.
    expect(addr(reply[reply.length - 1])).toBe(`${svcIP}:80 > ${pod1}:43512`);
  });

  test('slide 63 pod to internet: the pod IP is masqueraded to the VM (node) IP on the way out, and undone on the way back', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: 'http://google.com/' });
    expect(t.outcome).toBe('delivered');
    const out = afterLookup(t);
    expect(path(out)).toEqual(['route pod/default/pod1 eth0', 'forward node/node-1 veth*', 'forward node/node-1 cni0', 'snat node/node-1 eth0', 'deliver internet']);
    expect(addr(out[2])).toBe(`${pod1}:43512 > 142.250.74.46:80`);
    expect(addr(out[3])).toBe(`${node1}:43512 > 142.250.74.46:80`);
    expect(out[3].rule).toBe('MASQUERADE');
    const back = t.reply!;
    expect(path(back)).toEqual(['forward internet', 'un-snat node/node-1 eth0', 'forward node/node-1 cni0', 'forward node/node-1 veth*', 'deliver pod/default/pod1 eth0']);
    expect(addr(back[1])).toBe(`142.250.74.46:80 > ${pod1}:43512`);
  });

  test('slide 58 Kubernetes DNS: the name is resolved first, by the kube-dns Service (10.96.0.10) in front of the CoreDNS pods', () => {
    const t = s.c.trace({ from: 'pod/default/pod1', to: 'http://google.com/' });
    const dns = t.hops.slice(0, t.hops.findIndex((h) => h.action === 'lookup') + 1);
    expect(addr(dns[0])).toBe(`${pod1}:43512 > 10.96.0.10:53`);
    expect(dns[0].packet.protocol).toBe('UDP');
    const dnat = dns.find((h) => h.action === 'dnat')!;
    const coredns = (s.c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' }) as any[]).map((p) => p.status.podIP);
    expect(coredns).toContain(dnat.packet.dst);
    expect(dns.find((h) => h.action === 'deliver')!.where).toMatch(/^pod\/kube-system\/coredns-/);
    expect(dns[dns.length - 1].note).toBe(
      'CoreDNS answers google.com → 142.250.74.46 (after trying google.com.default.svc.cluster.local, google.com.svc.cluster.local, google.com.cluster.local from the search list).',
    );
    // The kubelet points every pod at that Service: the slide's "configures kubelet … DNS service IP".
    expect(s.k('exec pod1 -- cat /etc/resolv.conf')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect(s.k('get svc kube-dns -n kube-system')).toMatch(/^kube-dns +ClusterIP +10\.96\.0\.10 +<none> +53\/UDP,53\/TCP,9153\/TCP +/m);
  });
});
