/**
 * `kubectl exec POD [-c C] -- CMD…`: the command runs in the container through the container
 * runtime (the simulated image's programs: `env`, `cat`, `hostname`, `curl`, `nslookup`, …). The
 * answer is kubectl's: the command's stdout and stderr, and on a non-zero exit
 * `command terminated with exit code N` with that exit code. A bare interactive shell (`-it -- sh`)
 * is not something one command line can hold: the answer says where interactive sessions live.
 */
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef } from '../command';
import { defaultContainer, podFor, runtimeOf } from './logs';
import { die, guard, namespaceOf } from './util';

const FLAGS: FlagSpec[] = [
  { name: 'container', short: 'c', kind: 'string' },
  { name: 'stdin', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'quiet', short: 'q', kind: 'bool' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'pod-running-timeout', kind: 'string' },
];

const SHELLS = new Set(['sh', 'bash', 'ash', 'zsh', '/bin/sh', '/bin/bash', '/bin/ash', '/usr/bin/bash', '/bin/zsh']);

export const exec: CommandDef = {
  name: 'exec',
  summary: 'Execute a command in a container',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, FLAGS);
      if (!p.args.length) die("error: pod, type/name or --filename must be specified\nSee 'kubectl exec -h' for help and examples");
      if (p.args.length > 1) die("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
      const argv = p.rest;
      if (!argv.length) die("error: you must specify at least one command for the container\nSee 'kubectl exec -h' for help and examples");
      const namespace = namespaceOf(p, k);
      const { pod } = podFor(k, p.args[0], namespace);
      const notes: string[] = [];
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') die(`error: cannot exec into a container in a completed pod; current phase is ${phase}`);
      let container = typeof p.flags.container === 'string' ? p.flags.container : undefined;
      if (!container) {
        const d = defaultContainer(pod);
        if (d.note && p.flags.quiet !== true) notes.push(d.note);
        container = d.name;
      }
      const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].find((c: any) => c.name === container);
      if (!spec) die(`error: unable to upgrade connection: container ${container} not found in pod ${pod.metadata.name}`);
      const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s: any) => s.name === container);
      if (!status?.state?.running) die(`error: unable to upgrade connection: container not found ("${container}")`);
      if ((p.flags.stdin === true || p.flags.tty === true) && argv.length === 1 && SHELLS.has(argv[0])) {
        return {
          stdout: '',
          stderr: [...notes, `Podium: an interactive shell needs a terminal session; interactive sessions run in the console.`, `Run one command at a time here: kubectl exec ${pod.metadata.name} -- env`].join('\n') + '\n',
          exitCode: 0,
        };
      }
      const r = runtimeOf(k).exec(pod.metadata.namespace!, pod.metadata.name, container, argv);
      const err = [...notes, ...(r.stderr ? [r.stderr.replace(/\n$/, '')] : []), ...(r.exitCode !== 0 ? [`command terminated with exit code ${r.exitCode}`] : [])];
      return { stdout: r.stdout, stderr: err.length ? `${err.join('\n')}\n` : '', exitCode: r.exitCode };
    }),
};
