/**
 * `kubectl create`: from manifests (`-f`, see manifest.ts) or from one of kubectl's generators —
 * deployment, configmap, secret generic, job (also `--from=cronjob/X`), cronjob, namespace,
 * service clusterip|nodeport|loadbalancer|externalname, serviceaccount. Each builds the object
 * kubectl builds (the same defaults left empty, `creationTimestamp: null` in a client dry run).
 */
import type { NewObject } from '../../api/types';
import { parseFlags, type FlagSpec, type ParsedArgs } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { serviceFor, type ServicePort } from './expose';
import { runManifests } from './manifest';
import { createObjects } from './run';
import { die, DRY_RUN, dryRunOf, FILENAME, getOrDie, guard, namespaceOf, OUTPUT, result } from './util';
import { resolveResource } from '../../api/resources';

const COMMON: FlagSpec[] = [DRY_RUN, OUTPUT, { name: 'save-config', kind: 'bool' }, { name: 'validate', kind: 'string' }, { name: 'field-manager', kind: 'string' }];

type Generator = { flags: FlagSpec[]; build(p: ParsedArgs, name: string, ns: string | undefined, k: KubectlContext): NewObject };

const NULL_TS = null as unknown as string;

/** The container name kubectl derives from an image: its last path segment without tag or digest. */
export function containerNameFor(image: string): string {
  let name = image.split('/').pop() ?? image;
  name = name.split('@')[0].split(':')[0];
  return name.replace(/_/g, '-');
}

function requireImage(p: ParsedArgs): string[] {
  const images = (p.flags.image as string[] | string | undefined) ?? [];
  const list = Array.isArray(images) ? images : [images];
  if (!list.length) die('error: required flag(s) "image" not set');
  return list;
}

function meta(name: string, ns: string | undefined, extra: Record<string, unknown> = {}): NewObject['metadata'] {
  return { creationTimestamp: NULL_TS, ...extra, name, ...(ns ? { namespace: ns } : {}) } as NewObject['metadata'];
}

/** UTF-8 text as base64, the way a Secret's `data` holds it. */
export function base64(text: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** `--from-literal`, `--from-file` (contents from stdin) and `--from-env-file` data for configmaps and secrets. */
function dataFrom(p: ParsedArgs, k: KubectlContext): Record<string, string> {
  const data: Record<string, string> = {};
  for (const lit of (p.flags['from-literal'] as string[] | undefined) ?? []) {
    const i = lit.indexOf('=');
    if (i <= 0) die(`error: invalid literal source ${lit}, expected key=value`);
    const key = lit.slice(0, i);
    if (key in data) die(`error: cannot add key ${key}, another key by that name already exists in Data for ConfigMap "${p.args[0]}"`);
    data[key] = lit.slice(i + 1);
  }
  for (const f of (p.flags['from-file'] as string[] | undefined) ?? []) {
    const i = f.indexOf('=');
    const path = i < 0 ? f : f.slice(i + 1);
    const key = i < 0 ? path.split('/').pop()! : f.slice(0, i);
    if (k.stdin === undefined) die(`error: error reading ${path}: no such file or directory`);
    data[key] = k.stdin;
  }
  for (const f of (p.flags['from-env-file'] as string[] | undefined) ?? []) {
    if (k.stdin === undefined) die(`error: error reading ${f}: no such file or directory`);
    for (const line of k.stdin.split('\n')) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      const i = t.indexOf('=');
      if (i <= 0) die(`error: "${t}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit`);
      data[t.slice(0, i)] = t.slice(i + 1);
    }
  }
  return data;
}

const DATA_FLAGS: FlagSpec[] = [
  { name: 'from-literal', kind: 'strings' },
  { name: 'from-file', kind: 'strings' },
  { name: 'from-env-file', kind: 'strings' },
  { name: 'append-hash', kind: 'bool' },
];

function parsePortSpec(spec: string, kind: string): ServicePort {
  const m = /^(\d+)(?::(\d+|[a-z0-9-]+))?$/.exec(spec);
  if (!m) die(`error: invalid ${kind} port specifier ${spec}`);
  return { name: m[2] ? `${m[1]}-${m[2]}` : m[1], port: Number(m[1]), targetPort: m[2] ?? m[1] };
}

function serviceGenerator(type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'): Generator {
  return {
    flags: [{ name: 'tcp', kind: 'strings' }, { name: 'clusterip', kind: 'string' }, { name: 'node-port', kind: 'int' }, { name: 'external-name', kind: 'string' }],
    build(p, name, ns) {
      const tcp = (p.flags.tcp as string[] | undefined) ?? [];
      if (type === 'ExternalName') {
        const ext = p.flags['external-name'];
        if (typeof ext !== 'string' || !ext) die('error: required flag(s) "external-name" not set');
        const svc = serviceFor({ name, namespace: ns, labels: { app: name }, ports: tcp.map((t) => parsePortSpec(t, 'tcp')), type });
        svc.spec = { externalName: ext, ...(tcp.length ? { ports: svc.spec.ports } : {}), type };
        svc.metadata.labels = { app: name };
        return svc;
      }
      if (!tcp.length && p.flags.clusterip !== 'None') die('error: at least one tcp port specifier must be provided');
      const ports = tcp.map((t) => parsePortSpec(t, 'tcp'));
      if (type === 'NodePort' && typeof p.flags['node-port'] === 'number' && ports[0]) ports[0].nodePort = p.flags['node-port'];
      return serviceFor({
        name,
        namespace: ns,
        labels: { app: name },
        selector: { app: name },
        ports,
        type,
        clusterIP: typeof p.flags.clusterip === 'string' ? p.flags.clusterip : undefined,
      });
    },
  };
}

const GENERATORS: Record<string, Generator> = {
  deployment: {
    flags: [{ name: 'image', kind: 'strings' }, { name: 'replicas', short: 'r', kind: 'int', default: 1 }, { name: 'port', kind: 'int', default: -1 }],
    build(p, name, ns) {
      const images = requireImage(p);
      if (p.rest.length && images.length > 1) die('error: cannot specify multiple --image options and command');
      const used = new Set<string>();
      const containers = images.map((image, i) => {
        let cname = containerNameFor(image);
        for (let n = 1; used.has(cname); n++) cname = `${containerNameFor(image)}-${n}`;
        used.add(cname);
        return {
          ...(i === 0 && p.rest.length ? { command: p.rest } : {}),
          image,
          name: cname,
          ...((p.flags.port as number) >= 0 && i === 0 ? { ports: [{ containerPort: p.flags.port }] } : {}),
          resources: {},
        };
      });
      const labels = { app: name };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(name, ns, { labels }),
        spec: {
          replicas: p.flags.replicas,
          selector: { matchLabels: labels },
          strategy: {},
          template: { metadata: { creationTimestamp: NULL_TS, labels }, spec: { containers } },
        },
        status: {},
      };
    },
  },
  configmap: {
    flags: DATA_FLAGS,
    build: (p, name, ns, k) => ({ apiVersion: 'v1', data: dataFrom(p, k), kind: 'ConfigMap', metadata: meta(name, ns) }),
  },
  'secret generic': {
    flags: [...DATA_FLAGS, { name: 'type', kind: 'string' }],
    build: (p, name, ns, k) => {
      const data = Object.fromEntries(Object.entries(dataFrom(p, k)).map(([key, v]) => [key, base64(v)]));
      return { apiVersion: 'v1', data, kind: 'Secret', metadata: meta(name, ns), type: typeof p.flags.type === 'string' ? p.flags.type : 'Opaque' };
    },
  },
  'secret docker-registry': {
    flags: [{ name: 'docker-server', kind: 'string', default: 'https://index.docker.io/v1/' }, { name: 'docker-username', kind: 'string' }, { name: 'docker-password', kind: 'string' }, { name: 'docker-email', kind: 'string' }],
    build: (p, name, ns) => {
      const user = p.flags['docker-username'];
      const pass = p.flags['docker-password'];
      if (typeof user !== 'string' || typeof pass !== 'string') die('error: required flag(s) "docker-password", "docker-username" not set');
      const server = String(p.flags['docker-server']);
      const auth = { auths: { [server]: { username: user, password: pass, ...(typeof p.flags['docker-email'] === 'string' ? { email: p.flags['docker-email'] } : {}), auth: base64(`${user}:${pass}`) } } };
      return { apiVersion: 'v1', data: { '.dockerconfigjson': base64(JSON.stringify(auth)) }, kind: 'Secret', metadata: meta(name, ns), type: 'kubernetes.io/dockerconfigjson' };
    },
  },
  namespace: { flags: [], build: (_p, name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(name, undefined), spec: {}, status: {} }) },
  serviceaccount: { flags: [], build: (_p, name, ns) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, ns) }) },
  job: {
    flags: [{ name: 'image', kind: 'string' }, { name: 'from', kind: 'string' }],
    build(p, name, ns, k) {
      const image = p.flags.image;
      const from = p.flags.from;
      if ((typeof image === 'string') === (typeof from === 'string')) die('error: either --image or --from must be specified');
      if (typeof from === 'string') {
        if (p.rest.length) die('error: cannot specify --from and command');
        const [type, cname] = from.split('/');
        const def = resolveResource(type);
        if (!def || def.kind !== 'CronJob' || !cname) die(`error: from must be an existing cronjob: unknown object type ${type}`);
        const cj = getOrDie(k, def, ns ?? namespaceOf(p, k), cname);
        const tpl = cj.spec?.jobTemplate ?? {};
        return {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(name, ns, {
            annotations: { ...(tpl.metadata?.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
            ...(tpl.metadata?.labels ? { labels: tpl.metadata.labels } : {}),
            ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true }],
          }),
          spec: structuredClone(tpl.spec ?? {}),
          status: {},
        };
      }
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: meta(name, ns),
        spec: {
          template: {
            metadata: { creationTimestamp: NULL_TS },
            spec: { containers: [{ ...(p.rest.length ? { command: p.rest } : {}), image, name, resources: {} }], restartPolicy: 'Never' },
          },
        },
        status: {},
      };
    },
  },
  cronjob: {
    flags: [{ name: 'image', kind: 'string' }, { name: 'schedule', kind: 'string' }, { name: 'restart', kind: 'string', default: 'OnFailure' }],
    build(p, name, ns) {
      const image = p.flags.image;
      if (typeof image !== 'string') die('error: required flag(s) "image" not set');
      if (typeof p.flags.schedule !== 'string') die('error: required flag(s) "schedule" not set');
      return {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta(name, ns),
        spec: {
          jobTemplate: {
            metadata: { creationTimestamp: NULL_TS, name },
            spec: {
              template: {
                metadata: { creationTimestamp: NULL_TS },
                spec: { containers: [{ ...(p.rest.length ? { command: p.rest } : {}), image, name, resources: {} }], restartPolicy: p.flags.restart },
              },
            },
          },
          schedule: p.flags.schedule,
        },
        status: {},
      };
    },
  },
  'service clusterip': serviceGenerator('ClusterIP'),
  'service nodeport': serviceGenerator('NodePort'),
  'service loadbalancer': serviceGenerator('LoadBalancer'),
  'service externalname': serviceGenerator('ExternalName'),
};

const ALIASES: Record<string, string> = { deploy: 'deployment', cm: 'configmap', ns: 'namespace', sa: 'serviceaccount', cj: 'cronjob', svc: 'service' };

function runGenerator(key: string, gen: Generator, words: string[], k: KubectlContext): KubectlResult {
  const p = parseFlags(words, [...COMMON, ...gen.flags]);
  if (p.args.length !== 1) die(`error: exactly one NAME is required, got ${p.args.length}`);
  const name = p.args[0];
  const dry = dryRunOf(p);
  const output = typeof p.flags.output === 'string' ? p.flags.output : undefined;
  const namespaced = key !== 'namespace';
  // A client dry run prints the object as kubectl built it, before the namespace is filled in.
  const ns = namespaced && !(output && dry === 'client') ? namespaceOf(p, k) : undefined;
  const obj = gen.build(p, name, ns, k);
  return result(createObjects(k, [obj], dry, output));
}

export const create: CommandDef = {
  name: 'create',
  summary: 'Create a resource from a file or from stdin',
  run: (words, k) =>
    guard(() => {
      // The first word that is neither a flag nor a flag's value names the generator, if any.
      let first = -1;
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (w === '--') break;
        if (['-f', '--filename', '-n', '--namespace', '-o', '--output', '--dry-run', '--context', '--kubeconfig'].includes(w)) {
          if (w === '-f' || w === '--filename') break;
          i++;
          continue;
        }
        if (!w.startsWith('-')) {
          first = i;
          break;
        }
      }
      const sub = first >= 0 ? words[first] : undefined;
      if (sub) {
        const rest = [...words.slice(0, first), ...words.slice(first + 1)];
        let key = ALIASES[sub] ?? sub;
        let args = rest;
        if (key === 'secret' || key === 'service') {
          const i = args.findIndex((w) => !w.startsWith('-'));
          const kind = i >= 0 ? args[i] : undefined;
          if (key === 'secret' && kind === 'tls') {
            die('error: "kubectl create secret tls" reads --cert and --key files, and Podium has no file system: create the Secret from a manifest with type: kubernetes.io/tls');
          }
          if (!kind || !GENERATORS[`${key} ${kind}`]) {
            const kinds = key === 'secret' ? ['docker-registry', 'generic', 'tls'] : ['clusterip', 'externalname', 'loadbalancer', 'nodeport'];
            die(`error: ${kind ? `unknown command "${kind}" for "kubectl create ${key}"` : `Required resource not specified.`}\nAvailable Commands: ${kinds.join(', ')}`);
          }
          key = `${key} ${kind}`;
          args = [...args.slice(0, i), ...args.slice(i + 1)];
        }
        const gen = GENERATORS[key];
        if (!gen) die(`error: Unexpected args: [${sub}]\nSee 'kubectl create -h' for help and examples`);
        return runGenerator(key, gen, args, k);
      }
      return runManifests('create', parseFlags(words, [...COMMON, FILENAME, { name: 'recursive', short: 'R', kind: 'bool' }, { name: 'edit', kind: 'bool' }, { name: 'raw', kind: 'string' }]), k);
    }),
};
