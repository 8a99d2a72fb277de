/**
 * `kubectl run NAME --image=IMG`: one Pod labelled `run=NAME` (kubectl 1.18+ has no generators:
 * run makes pods only). Flags shape the single container as kubectl's pod generator does: `--port`
 * (containerPort), `--env`, `--labels` (replacing `run=NAME`), `--restart`, `--command` (the words
 * after `--` become the command instead of the args), `-i`/`-t` (stdin/tty on the container),
 * `--expose` (a ClusterIP Service on `--port` too).
 *
 * Attaching (`-i`/`-t`, `--rm`) is not something the engine can do in one instant: the pod is
 * created and the answer says where interactive sessions live.
 */
import type { NewObject } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext } from '../command';
import { serviceFor } from './expose';
import { die, DRY_RUN, dryRunOf, guard, namespaceOf, OUTPUT, parsePairs, printObjects, result, type DryRun } from './util';

const FLAGS: FlagSpec[] = [
  { name: 'image', kind: 'string' },
  { name: 'port', kind: 'string' },
  { name: 'env', kind: 'strings' },
  { name: 'labels', short: 'l', kind: 'string' },
  { name: 'restart', kind: 'string', default: 'Always' },
  { name: 'command', kind: 'bool' },
  { name: 'stdin', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'rm', kind: 'bool' },
  { name: 'attach', kind: 'bool' },
  { name: 'quiet', short: 'q', kind: 'bool' },
  { name: 'expose', kind: 'bool' },
  { name: 'image-pull-policy', kind: 'string' },
  { name: 'annotations', kind: 'strings' },
  { name: 'overrides', kind: 'string' },
  { name: 'privileged', kind: 'bool' },
  { name: 'serviceaccount', kind: 'string' },
  { name: 'pod-running-timeout', kind: 'string' },
  { name: 'wait', kind: 'bool' },
  { name: 'save-config', kind: 'bool' },
  DRY_RUN,
  OUTPUT,
];

export type PodOptions = {
  name: string;
  image: string;
  labels?: Record<string, string>;
  port?: number;
  env?: { name: string; value: string }[];
  command?: string[];
  args?: string[];
  restartPolicy?: string;
  stdin?: boolean;
  tty?: boolean;
  imagePullPolicy?: string;
  annotations?: Record<string, string>;
  serviceAccountName?: string;
};

/** The Pod kubectl run builds, with the empty fields kubectl's client-side object carries. */
export function buildPod(o: PodOptions, namespace?: string): NewObject {
  const container: Record<string, unknown> = {
    ...(o.args?.length ? { args: o.args } : {}),
    ...(o.command?.length ? { command: o.command } : {}),
    ...(o.env?.length ? { env: o.env } : {}),
    image: o.image,
    ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
    name: o.name,
    ...(o.port !== undefined ? { ports: [{ containerPort: o.port }] } : {}),
    resources: {},
    ...(o.stdin ? { stdin: true, stdinOnce: true } : {}),
    ...(o.tty ? { tty: true } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(o.annotations && Object.keys(o.annotations).length ? { annotations: o.annotations } : {}),
      creationTimestamp: null as unknown as string,
      labels: o.labels ?? { run: o.name },
      name: o.name,
      ...(namespace ? { namespace } : {}),
    },
    spec: {
      containers: [container],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: o.restartPolicy ?? 'Always',
      ...(o.serviceAccountName ? { serviceAccountName: o.serviceAccountName } : {}),
    },
    status: {},
  };
}

/** Create what a generator built, or print it for a dry run; the one-line outcome otherwise. */
export function createObjects(k: KubectlContext, objs: NewObject[], dry: DryRun, output: string | undefined): string {
  const written = objs.map((o) => {
    const { creationTimestamp: _c, ...metadata } = o.metadata as Record<string, unknown>;
    const input = { ...o, metadata } as NewObject;
    delete (input as Record<string, unknown>).status;
    if (dry === 'client') return o;
    const stored = k.ctx.api.create(input, { dryRun: dry === 'server' });
    return stored;
  });
  return printObjects(written, output, 'created', dry);
}

export const run: CommandDef = {
  name: 'run',
  summary: 'Run a particular image on the cluster',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, FLAGS);
      const name = p.args[0];
      if (!name) die('error: NAME is required for run');
      const image = p.flags.image;
      if (typeof image !== 'string' || !image) die('error: required flag(s) "image" not set');
      const restart = String(p.flags.restart);
      if (!['Always', 'OnFailure', 'Never'].includes(restart)) die(`error: invalid restart policy: ${restart}`);
      const attach = p.flags.stdin === true || p.flags.tty === true || p.flags.attach === true;
      if (p.flags.rm === true && !attach) die('error: --rm should only be used for attached containers');
      const dry = dryRunOf(p);
      const output = typeof p.flags.output === 'string' ? p.flags.output : undefined;
      const namespace = namespaceOf(p, k);
      let port: number | undefined;
      if (typeof p.flags.port === 'string' && p.flags.port !== '') {
        port = Number(p.flags.port);
        if (!Number.isInteger(port) || port < 1 || port > 65535) die(`error: invalid argument "${p.flags.port}" for "--port" flag: strconv.ParseInt: parsing "${p.flags.port}": invalid syntax`);
      }
      if (p.flags.expose === true && port === undefined) die("error: --port must be set when exposing a service");
      const env = ((p.flags.env as string[] | undefined) ?? []).map((e) => {
        const i = e.indexOf('=');
        if (i <= 0) die(`error: invalid env: ${e}`);
        return { name: e.slice(0, i), value: e.slice(i + 1) };
      });
      const rest = [...p.args.slice(1), ...p.rest];
      const pod = buildPod(
        {
          name,
          image,
          labels: typeof p.flags.labels === 'string' ? parsePairs(p.flags.labels) : undefined,
          port,
          env,
          ...(p.flags.command === true ? { command: rest } : { args: rest }),
          restartPolicy: restart,
          stdin: p.flags.stdin === true,
          tty: p.flags.tty === true,
          imagePullPolicy: typeof p.flags['image-pull-policy'] === 'string' ? p.flags['image-pull-policy'] : undefined,
          annotations: Object.assign({}, ...((p.flags.annotations as string[] | undefined) ?? []).map((a) => parsePairs(a, 'annotation'))),
          serviceAccountName: typeof p.flags.serviceaccount === 'string' ? p.flags.serviceaccount : undefined,
        },
        output && dry === 'client' ? undefined : namespace,
      );
      const objs: NewObject[] = [];
      if (p.flags.expose === true) {
        objs.push(serviceFor({ name, namespace: output && dry === 'client' ? undefined : namespace, selector: pod.metadata.labels!, port: port!, targetPort: String(port) }));
      }
      objs.push(pod);
      const stdout = createObjects(k, objs, dry, output);
      if (attach && dry === 'none') {
        return result(stdout, [
          `Podium: attaching to a container is not simulated here; interactive sessions run in the console.`,
          `The pod keeps running: read its output with "kubectl logs ${name}"${p.flags.rm === true ? `, and remove it with "kubectl delete pod ${name}"` : ''}.`,
        ], 0);
      }
      return result(stdout);
    }),
};
