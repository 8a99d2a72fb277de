/**
 * `kubectl expose TYPE NAME`: a Service selecting what the resource selects (a Deployment's or
 * ReplicaSet's matchLabels, a Pod's labels, a Service's selector), on `--port` or, failing that, the
 * ports its pod template declares (several become `port-1`, `port-2`, …, as kubectl names them).
 * The Service carries the exposed object's labels; `targetPort` defaults to the port.
 */
import type { KObject, NewObject } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef } from '../command';
import { createObjects } from './run';
import { die, DRY_RUN, dryRunOf, getOrDie, guard, namespaceOf, OUTPUT, parsePairs, parseTargets, podTemplateOf, result } from './util';

const FLAGS: FlagSpec[] = [
  { name: 'port', kind: 'string' },
  { name: 'target-port', kind: 'string' },
  { name: 'type', kind: 'string' },
  { name: 'name', kind: 'string' },
  { name: 'protocol', kind: 'string' },
  { name: 'selector', kind: 'string' },
  { name: 'labels', short: 'l', kind: 'string' },
  { name: 'external-ip', kind: 'string' },
  { name: 'cluster-ip', kind: 'string' },
  { name: 'load-balancer-ip', kind: 'string' },
  { name: 'session-affinity', kind: 'string' },
  { name: 'override-type', kind: 'string' },
  { name: 'overrides', kind: 'string' },
  { name: 'save-config', kind: 'bool' },
  { name: 'filename', short: 'f', kind: 'strings' },
  DRY_RUN,
  OUTPUT,
];

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

export type ServicePort = { name?: string; port: number; targetPort: string | number; protocol?: string; nodePort?: number };

export function serviceFor(o: {
  name: string;
  namespace?: string;
  selector?: Record<string, string>;
  labels?: Record<string, string>;
  port?: number;
  targetPort?: string;
  ports?: ServicePort[];
  type?: string;
  protocol?: string;
  clusterIP?: string;
}): NewObject {
  const ports = (o.ports ?? [{ port: o.port!, targetPort: o.targetPort ?? String(o.port) }]).map((sp) => {
    const tp = typeof sp.targetPort === 'number' || /^\d+$/.test(sp.targetPort) ? Number(sp.targetPort) : sp.targetPort;
    return { ...(sp.name ? { name: sp.name } : {}), ...(sp.nodePort ? { nodePort: sp.nodePort } : {}), port: sp.port, protocol: sp.protocol ?? o.protocol ?? 'TCP', targetPort: tp };
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      creationTimestamp: null as unknown as string,
      ...(o.labels && Object.keys(o.labels).length ? { labels: o.labels } : {}),
      name: o.name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
    },
    spec: {
      ...(o.clusterIP ? { clusterIP: o.clusterIP } : {}),
      ports,
      ...(o.selector ? { selector: o.selector } : {}),
      ...(o.type ? { type: o.type } : {}),
    },
    status: { loadBalancer: {} },
  };
}

/** What a resource selects, as `kubectl expose` introspects it. */
function selectorOf(obj: KObject): Record<string, string> {
  const why = (reason: string) => die(`error: couldn't retrieve selectors via --selector flag or introspection: ${reason}`);
  switch (obj.kind) {
    case 'Pod':
      if (!obj.metadata.labels || !Object.keys(obj.metadata.labels).length) why('the pod has no labels and cannot be exposed');
      return { ...obj.metadata.labels };
    case 'Service':
      if (!obj.spec?.selector) why('the service has no pod selector set');
      return { ...obj.spec.selector };
    case 'ReplicationController':
      return { ...(obj.spec?.selector ?? {}) };
    case 'Deployment':
    case 'ReplicaSet': {
      const sel = obj.spec?.selector;
      if (sel?.matchExpressions?.length) why(`invalid ${obj.kind.toLowerCase()}: expressions are not supported for this resource`);
      return { ...(sel?.matchLabels ?? {}) };
    }
    default:
      die(`error: cannot expose a ${obj.kind}`);
  }
}

/** The ports a resource's pods declare (a Service's own ports for a Service). */
function portsOf(obj: KObject): { port: number; protocol?: string }[] {
  if (obj.kind === 'Service') return (obj.spec?.ports ?? []).map((p: any) => ({ port: p.port, protocol: p.protocol }));
  const tpl = podTemplateOf(obj);
  const out: { port: number; protocol?: string }[] = [];
  for (const c of tpl?.spec?.containers ?? []) for (const p of c.ports ?? []) out.push({ port: p.containerPort, protocol: p.protocol });
  return out;
}

export const expose: CommandDef = {
  name: 'expose',
  summary: 'Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, FLAGS);
      const { targets } = parseTargets(p.args);
      if (!targets.length) die('error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'');
      const namespace = namespaceOf(p, k);
      const dry = dryRunOf(p);
      const output = typeof p.flags.output === 'string' ? p.flags.output : undefined;
      const type = typeof p.flags.type === 'string' ? p.flags.type : undefined;
      if (type && !SERVICE_TYPES.includes(type)) die(`error: cannot expose a service of type ${type}, supported types are: ${SERVICE_TYPES.join(', ')}`);
      const out: string[] = [];
      for (const t of targets) {
        const obj = getOrDie(k, t.def, namespace, t.name);
        const selector = typeof p.flags.selector === 'string' ? parsePairs(p.flags.selector) : selectorOf(obj);
        const protocol = typeof p.flags.protocol === 'string' ? p.flags.protocol : undefined;
        const targetPort = typeof p.flags['target-port'] === 'string' ? p.flags['target-port'] : undefined;
        let ports: ServicePort[];
        if (typeof p.flags.port === 'string') {
          const port = Number(p.flags.port);
          if (!Number.isInteger(port)) die(`error: invalid argument "${p.flags.port}" for "--port" flag: strconv.Atoi: parsing "${p.flags.port}": invalid syntax`);
          ports = [{ port, targetPort: targetPort ?? String(port), protocol }];
        } else {
          const found = portsOf(obj);
          if (!found.length) die("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples");
          ports = found.map((f, i) => ({
            ...(found.length > 1 ? { name: `port-${i + 1}` } : {}),
            port: f.port,
            targetPort: targetPort ?? String(f.port),
            protocol: protocol ?? f.protocol,
          }));
        }
        const svc = serviceFor({
          name: typeof p.flags.name === 'string' ? p.flags.name : obj.metadata.name,
          namespace: output && dry === 'client' ? undefined : namespace,
          selector,
          labels: typeof p.flags.labels === 'string' ? parsePairs(p.flags.labels) : { ...(obj.metadata.labels ?? {}) },
          ports,
          type,
          clusterIP: typeof p.flags['cluster-ip'] === 'string' ? p.flags['cluster-ip'] : undefined,
        });
        out.push(createObjects(k, [svc], dry, output).replace(/ created( \(|$)/, ' exposed$1'));
      }
      return result(out);
    }),
};
