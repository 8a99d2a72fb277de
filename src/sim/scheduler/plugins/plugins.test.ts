import { describe, expect, it } from 'vitest';
import { Harness } from '../testing/harness';
import { buildPodInfo } from '../pod-info';
import type { CycleState, NodeInfoView, ScorePlugin } from '../types';
import { NodeUnschedulable } from './node-unschedulable';
import { NodeName } from './node-name';
import { NodePorts } from './node-ports';
import { TaintToleration } from './taint-toleration';
import { NodeAffinity } from './node-affinity';
import { NodeResourcesFit } from './node-resources-fit';
import { NodeResourcesBalancedAllocation } from './balanced-allocation';
import { ImageLocality } from './image-locality';
import { InterPodAffinity } from './inter-pod-affinity';
import { PodTopologySpread } from './pod-topology-spread';

/** A harness whose scheduler never runs (pods are bound by hand with nodeName). */
function setup() {
  const h = new Harness();
  const info = (name: string) => h.scheduler.cache.nodes.get(name)! as NodeInfoView;
  const pod = (s: Parameters<Harness['pod']>[0]) => buildPodInfo(h.pod(s));
  return { h, info, pod };
}

function scoresOf(plugin: ScorePlugin, state: CycleState, p: ReturnType<typeof buildPodInfo>, nodes: NodeInfoView[]): number[] {
  if (plugin.preScore && !plugin.preScore(state, p, nodes)) return [];
  const out = new Array<number>(nodes.length);
  plugin.scoreNodes(state, p, nodes, out);
  plugin.normalize?.(state, p, out, nodes);
  return out;
}

describe('NodeUnschedulable', () => {
  it('rejects a cordoned node unless the pod tolerates the unschedulable taint', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', unschedulable: true });
    const plugin = new NodeUnschedulable();
    expect(plugin.filter(undefined, pod({ name: 'a', nodeName: 'x' }), info('n1'))).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] });
    const tolerant = pod({ name: 'b', nodeName: 'x', spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(plugin.filter(undefined, tolerant, info('n1'))).toBeUndefined();
  });
});

describe('NodeName', () => {
  it('fits only the named node', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1' });
    h.node({ name: 'n2' });
    const p = pod({ name: 'a', nodeName: 'n2' });
    expect(new NodeName().filter(undefined, p, info('n1'))?.reasons).toEqual(["node(s) didn't match the requested node name"]);
    expect(new NodeName().filter(undefined, p, info('n2'))).toBeUndefined();
  });
});

describe('NodePorts', () => {
  it('rejects a node where the host port is taken, honouring host IPs and protocols', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1' });
    const port = (hostPort: number, extra: Record<string, unknown> = {}) => ({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort, ...extra }] }] });
    h.pod({ name: 'taken', nodeName: 'n1', spec: port(8080, { hostIP: '10.0.0.1' }) });
    const plugin = new NodePorts();
    const reason = ["node(s) didn't have free ports for the requested pod ports"];
    expect(plugin.filter(undefined, pod({ name: 'a', spec: port(8080) }), info('n1'))?.reasons).toEqual(reason); // wildcard vs specific
    expect(plugin.filter(undefined, pod({ name: 'b', spec: port(8080, { hostIP: '10.0.0.1' }) }), info('n1'))?.reasons).toEqual(reason);
    expect(plugin.filter(undefined, pod({ name: 'c', spec: port(8080, { hostIP: '10.0.0.2' }) }), info('n1'))).toBeUndefined();
    expect(plugin.filter(undefined, pod({ name: 'd', spec: port(8080, { protocol: 'UDP' }) }), info('n1'))).toBeUndefined();
    expect(plugin.filter(undefined, pod({ name: 'e', spec: port(9090) }), info('n1'))).toBeUndefined();
  });
});

describe('TaintToleration', () => {
  it('filters NoSchedule and NoExecute taints, naming the first untolerated one', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    h.node({ name: 'n2', taints: [{ key: 'gone', effect: 'NoExecute' }] });
    h.node({ name: 'n3', taints: [{ key: 'meh', effect: 'PreferNoSchedule' }] });
    const plugin = new TaintToleration();
    const plain = pod({ name: 'a' });
    expect(plugin.filter(undefined, plain, info('n1'))?.reasons).toEqual(['node(s) had untolerated taint(s) {dedicated: gpu}']);
    expect(plugin.filter(undefined, plain, info('n2'))?.reasons).toEqual(['node(s) had untolerated taint(s) {gone: }']);
    expect(plugin.filter(undefined, plain, info('n3'))).toBeUndefined();
    const equal = pod({ name: 'b', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
    expect(plugin.filter(undefined, equal, info('n1'))).toBeUndefined();
    const wrongValue = pod({ name: 'c', spec: { tolerations: [{ key: 'dedicated', value: 'cpu' }] } });
    expect(plugin.filter(undefined, wrongValue, info('n1'))).toBeDefined();
    const everything = pod({ name: 'd', spec: { tolerations: [{ operator: 'Exists' }] } });
    expect(plugin.filter(undefined, everything, info('n2'))).toBeUndefined();
  });

  it('scores fewer untolerated PreferNoSchedule taints higher', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1' });
    h.node({ name: 'n2', taints: [{ key: 'a', effect: 'PreferNoSchedule' }] });
    h.node({ name: 'n3', taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] });
    const nodes = ['n1', 'n2', 'n3'].map(info);
    expect(scoresOf(new TaintToleration(), new Map(), pod({ name: 'p' }), nodes)).toEqual([100, 50, 0]);
    const tolerant = pod({ name: 'q', spec: { tolerations: [{ key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
    expect(scoresOf(new TaintToleration(), new Map(), tolerant, nodes)).toEqual([100, 0, 0]);
  });
});

describe('NodeAffinity', () => {
  const req = (terms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

  it('matches nodeSelector and required terms (ORed terms, ANDed expressions, Gt/Lt)', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { disk: 'ssd', cores: '8' } });
    h.node({ name: 'n2', labels: { disk: 'hdd', cores: '2' } });
    const plugin = new NodeAffinity();
    const reason = ["node(s) didn't match Pod's node affinity/selector"];
    const bySelector = pod({ name: 'a', spec: { nodeSelector: { disk: 'ssd' } } });
    expect(plugin.filter(new Map(), bySelector, info('n1'))).toBeUndefined();
    expect(plugin.filter(new Map(), bySelector, info('n2'))?.reasons).toEqual(reason);
    const gt = pod({ name: 'b', spec: req([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }]) });
    expect(plugin.filter(new Map(), gt, info('n1'))).toBeUndefined();
    expect(plugin.filter(new Map(), gt, info('n2'))).toBeDefined();
    const lt = pod({ name: 'c', spec: req([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }]) });
    expect(plugin.filter(new Map(), lt, info('n2'))).toBeUndefined();
    const ored = pod({ name: 'd', spec: req([{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] }, { matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }]) });
    expect(plugin.filter(new Map(), ored, info('n1'))).toBeDefined();
    expect(plugin.filter(new Map(), ored, info('n2'))).toBeUndefined();
    const anded = pod({ name: 'e', spec: req([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }, { key: 'cores', operator: 'DoesNotExist' }] }]) });
    expect(plugin.filter(new Map(), anded, info('n1'))).toBeDefined();
  });

  it('narrows candidates to the node a matchFields metadata.name term pins (DaemonSet pods)', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1' });
    h.node({ name: 'n2' });
    const pinned = pod({ name: 'ds', spec: req([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }]) });
    const plugin = new NodeAffinity();
    expect(plugin.preFilter(new Map(), pinned)).toEqual({ nodeNames: new Set(['n2']) });
    expect(plugin.filter(new Map(), pinned, info('n1'))).toBeDefined();
    expect(plugin.filter(new Map(), pinned, info('n2'))).toBeUndefined();
    expect(plugin.preFilter(new Map(), pod({ name: 'plain' }))).toEqual({ skip: true });
  });

  it('scores preferred terms by weight, normalised to 100', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { zone: 'a' } });
    h.node({ name: 'n2', labels: { zone: 'b', gpu: 'yes' } });
    h.node({ name: 'n3' });
    const p = pod({
      name: 'p',
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 80, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } },
            ],
          },
        },
      },
    });
    expect(scoresOf(new NodeAffinity(), new Map(), p, ['n1', 'n2', 'n3'].map(info))).toEqual([25, 100, 0]);
  });
});

describe('NodeResourcesFit', () => {
  it('counts init containers as max(largest init, sum of apps) plus overhead', () => {
    const { h, pod } = setup();
    h.node({ name: 'n1' });
    const p = pod({
      name: 'a',
      spec: {
        initContainers: [{ name: 'i1', image: 'busybox', resources: { requests: { cpu: '2', memory: '1Gi' } } }],
        containers: [
          { name: 'c1', image: 'nginx', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
          { name: 'c2', image: 'nginx', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
        ],
        overhead: { cpu: '100m', memory: '64Mi' },
      },
    });
    expect(p.requests.milliCPU).toBe(2100);
    expect(p.requests.memory).toBe(2 * 1024 ** 3 + 64 * 1024 ** 2);
  });

  it('adds sidecars (restartable init containers) to what starts after them', () => {
    const { h, pod } = setup();
    h.node({ name: 'n1' });
    const p = pod({
      name: 'a',
      spec: {
        initContainers: [
          { name: 'side', image: 'envoy', restartPolicy: 'Always', resources: { requests: { cpu: '200m' } } },
          { name: 'init', image: 'busybox', resources: { requests: { cpu: '1' } } },
        ],
        containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '300m' } } }],
      },
    });
    expect(p.requests.milliCPU).toBe(1200); // max(200m + 1, 200m + 300m)
  });

  it('reports every insufficient resource, extended resources and the pod limit', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', cpu: '1', memory: '1Gi', pods: 1, resources: { 'example.com/gpu': '1' } });
    h.pod({ name: 'there', nodeName: 'n1', cpu: '500m' });
    const plugin = new NodeResourcesFit();
    const p = pod({ name: 'a', spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '600m', memory: '2Gi' }, limits: { 'example.com/gpu': '2' } } }] } });
    expect(plugin.filter(undefined, p, info('n1'))).toEqual({ code: 'Unschedulable', reasons: ['Too many pods', 'Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/gpu'] });
    expect(plugin.filter(undefined, pod({ name: 'b', cpu: '500m' }), info('n1'))?.reasons).toEqual(['Too many pods']);
  });

  it('scores LeastAllocated with 100m/200Mi defaults for unset requests', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', cpu: '1', memory: '1Gi' });
    h.node({ name: 'n2', cpu: '4', memory: '4Gi' });
    // cpu (1000-100)/1000 = 90, memory (1024-200)/1024 = 80 → 85; n2: 97, 95 → 96
    expect(scoresOf(new NodeResourcesFit(), new Map(), pod({ name: 'p' }), ['n1', 'n2'].map(info))).toEqual([85, 96]);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it('prefers equal cpu and memory fractions and skips best-effort pods', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', cpu: '2', memory: '2Gi' });
    h.node({ name: 'n2', cpu: '4', memory: '1Gi' });
    const p = pod({ name: 'p', cpu: '1', memory: '512Mi' });
    // n1: 0.5 vs 0.25 → std 0.125 → 87; n2: 0.25 vs 0.5 → 87
    expect(scoresOf(new NodeResourcesBalancedAllocation(), new Map(), p, ['n1', 'n2'].map(info))).toEqual([87, 87]);
    const q = pod({ name: 'q', cpu: '1', memory: '1Gi' });
    expect(scoresOf(new NodeResourcesBalancedAllocation(), new Map(), q, ['n1', 'n2'].map(info))).toEqual([100, 62]);
    expect(scoresOf(new NodeResourcesBalancedAllocation(), new Map(), pod({ name: 'r' }), ['n1'].map(info))).toEqual([]);
  });
});

describe('ImageLocality', () => {
  it('prefers nodes that have the image, scaled by size and spread', () => {
    const { h, info, pod } = setup();
    const mb = 1024 * 1024;
    h.node({ name: 'n1', images: [{ names: ['docker.io/library/nginx:latest'], sizeBytes: 500 * mb }] });
    h.node({ name: 'n2' });
    const plugin = new ImageLocality(h.scheduler.cache.imageNodes, () => h.scheduler.cache.nodes.size);
    // 500MB × 1/2 nodes = 250MB; (250 − 23) × 100 / (1000 − 23) = 23
    expect(scoresOf(plugin, new Map(), pod({ name: 'p' }), ['n1', 'n2'].map(info))).toEqual([23, 0]);
  });
});

describe('InterPodAffinity', () => {
  const anti = (topologyKey: string) => ({
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey }] } },
  });
  const aff = (topologyKey: string) => ({
    affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey }] } },
  });

  it('enforces required anti-affinity per topology domain', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { zone: 'a' } });
    h.node({ name: 'n2', labels: { zone: 'a' } });
    h.node({ name: 'n3', labels: { zone: 'b' } });
    h.pod({ name: 'db-0', labels: { app: 'db' }, nodeName: 'n1' });
    const plugin = new InterPodAffinity(h.scheduler.cache, () => undefined);
    const p = pod({ name: 'db-1', labels: { app: 'db' }, spec: anti('zone') });
    const state: CycleState = new Map();
    expect(plugin.preFilter(state, p)).toBeUndefined();
    expect(plugin.filter(state, p, info('n1'))?.reasons).toEqual(["node(s) didn't match pod anti-affinity rules"]);
    expect(plugin.filter(state, p, info('n2'))?.reasons).toEqual(["node(s) didn't match pod anti-affinity rules"]);
    expect(plugin.filter(state, p, info('n3'))).toBeUndefined();
  });

  it("honours existing pods' anti-affinity against the incoming pod", () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1' });
    h.node({ name: 'n2' });
    h.pod({ name: 'loner', labels: { app: 'solo' }, nodeName: 'n1', spec: anti('kubernetes.io/hostname') });
    const plugin = new InterPodAffinity(h.scheduler.cache, () => undefined);
    const p = pod({ name: 'db', labels: { app: 'db' } });
    const state: CycleState = new Map();
    plugin.preFilter(state, p);
    expect(plugin.filter(state, p, info('n1'))?.reasons).toEqual(["node(s) didn't satisfy existing pods anti-affinity rules"]);
    expect(plugin.filter(state, p, info('n2'))).toBeUndefined();
    expect(plugin.preFilter(new Map(), pod({ name: 'web', labels: { app: 'web' } }))).toEqual({ skip: true });
  });

  it('requires a matching pod in the domain, except for the first pod of a self-matching group', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { zone: 'a' } });
    h.node({ name: 'n2', labels: { zone: 'b' } });
    h.node({ name: 'n3' });
    const plugin = new InterPodAffinity(h.scheduler.cache, () => undefined);
    const first = pod({ name: 'db-0', labels: { app: 'db' }, spec: aff('zone') });
    let state: CycleState = new Map();
    plugin.preFilter(state, first);
    expect(plugin.filter(state, first, info('n1'))).toBeUndefined();
    expect(plugin.filter(state, first, info('n3'))?.reasons).toEqual(["node(s) didn't match pod affinity rules"]);
    const web = pod({ name: 'web', labels: { app: 'web' }, spec: aff('zone') });
    state = new Map();
    plugin.preFilter(state, web);
    expect(plugin.filter(state, web, info('n1'))).toBeDefined();
    h.pod({ name: 'db-9', labels: { app: 'db' }, nodeName: 'n2' });
    state = new Map();
    plugin.preFilter(state, web);
    expect(plugin.filter(state, web, info('n1'))).toBeDefined();
    expect(plugin.filter(state, web, info('n2'))).toBeUndefined();
  });

  it('scores preferred affinity by weight per domain, min-max normalised', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { zone: 'a' } });
    h.node({ name: 'n2', labels: { zone: 'b' } });
    h.node({ name: 'n3', labels: { zone: 'c' } });
    h.pod({ name: 'db-0', labels: { app: 'db' }, nodeName: 'n1' });
    h.pod({ name: 'cache-0', labels: { app: 'cache' }, nodeName: 'n2' });
    const p = pod({
      name: 'web',
      spec: {
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' } }] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'zone' } }] },
        },
      },
    });
    // raw: n1 +50, n2 −100, n3 0 → (x + 100) × 100 / 150
    expect(scoresOf(new InterPodAffinity(h.scheduler.cache, () => undefined), new Map(), p, ['n1', 'n2', 'n3'].map(info))).toEqual([100, 0, 66]);
  });
});

describe('PodTopologySpread', () => {
  const spread = (maxSkew: number, extra: Record<string, unknown> = {}) => ({
    topologySpreadConstraints: [{ maxSkew, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra }],
  });

  it('rejects domains that would exceed maxSkew, and nodes without the key', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { zone: 'a' } });
    h.node({ name: 'n2', labels: { zone: 'b' } });
    h.node({ name: 'n3' });
    h.pod({ name: 'w0', labels: { app: 'web' }, nodeName: 'n1' });
    const plugin = new PodTopologySpread(h.scheduler.cache, h.ctx.store);
    const p = pod({ name: 'w1', labels: { app: 'web' }, spec: spread(1) });
    const state: CycleState = new Map();
    plugin.preFilter(state, p);
    expect(plugin.filter(state, p, info('n1'))?.reasons).toEqual(["node(s) didn't match pod topology spread constraints"]);
    expect(plugin.filter(state, p, info('n2'))).toBeUndefined();
    expect(plugin.filter(state, p, info('n3'))).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"] });
  });

  it('treats the emptiest domain as 0 while there are fewer domains than minDomains', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1', labels: { zone: 'a' } });
    h.node({ name: 'n2', labels: { zone: 'b' } });
    h.pod({ name: 'w0', labels: { app: 'web' }, nodeName: 'n1' });
    h.pod({ name: 'w1', labels: { app: 'web' }, nodeName: 'n2' });
    const plugin = new PodTopologySpread(h.scheduler.cache, h.ctx.store);
    const loose = pod({ name: 'w2', labels: { app: 'web' }, spec: spread(1) });
    let state: CycleState = new Map();
    plugin.preFilter(state, loose);
    expect(plugin.filter(state, loose, info('n1'))).toBeUndefined();
    const strict = pod({ name: 'w3', labels: { app: 'web' }, spec: spread(1, { minDomains: 3 }) });
    state = new Map();
    plugin.preFilter(state, strict);
    expect(plugin.filter(state, strict, info('n1'))).toBeDefined();
    expect(plugin.filter(state, strict, info('n2'))).toBeDefined();
  });

  it('scores with the system default constraints for pods a Service selects', () => {
    const { h, info, pod } = setup();
    h.node({ name: 'n1' });
    h.node({ name: 'n2' });
    h.ctx.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    h.pod({ name: 'w0', labels: { app: 'web' }, nodeName: 'n1' });
    h.pod({ name: 'w1', labels: { app: 'web' }, nodeName: 'n1' });
    const plugin = new PodTopologySpread(h.scheduler.cache, h.ctx.store);
    // raw: n1 = 2 × ln(4) + 2 = 4.77 → 5, n2 = 2; normalised 100 × (5 + 2 − s) / 5
    expect(scoresOf(plugin, new Map(), pod({ name: 'w2', labels: { app: 'web' } }), ['n1', 'n2'].map(info))).toEqual([40, 100]);
    expect(scoresOf(plugin, new Map(), pod({ name: 'lone', labels: { app: 'other' } }), ['n1', 'n2'].map(info))).toEqual([]);
  });
});
