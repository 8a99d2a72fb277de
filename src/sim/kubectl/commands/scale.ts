/**
 * `kubectl scale` and `kubectl autoscale`. Scale writes `spec.replicas` of the kinds with a scale
 * subresource (Deployment, ReplicaSet, StatefulSet, ReplicationController), after checking the
 * `--current-replicas` precondition as kubectl does. Autoscale creates an autoscaling/v2
 * HorizontalPodAutoscaler targeting the object (its controller acts on it).
 */
import type { NewObject } from '../../api/types';
import { ApiError } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef } from '../command';
import { createObjects } from './run';
import { die, DRY_RUN, dryRunOf, guard, namespaceOf, OUTPUT, refName, resolveObjects, result, SELECTOR, updateObject, withDryRun } from './util';

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

const SCALE_FLAGS: FlagSpec[] = [
  { name: 'replicas', kind: 'int', default: -1 },
  { name: 'current-replicas', kind: 'int', default: -1 },
  { name: 'resource-version', kind: 'string' },
  { name: 'all', kind: 'bool' },
  { name: 'timeout', kind: 'string' },
  { name: 'filename', short: 'f', kind: 'strings' },
  SELECTOR,
  DRY_RUN,
  OUTPUT,
];

export const scale: CommandDef = {
  name: 'scale',
  summary: 'Set a new size for a deployment, replica set, or replication controller',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, SCALE_FLAGS);
      const replicas = p.flags.replicas as number;
      if (!words.some((w) => w === '--replicas' || w.startsWith('--replicas='))) die('error: required flag(s) "replicas" not set');
      if (replicas < 0) die('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
      const dry = dryRunOf(p);
      const { objects, errors } = resolveObjects(k, p, p.args);
      const current = p.flags['current-replicas'] as number;
      const out: string[] = [];
      for (const obj of objects) {
        if (!SCALABLE.has(obj.kind)) {
          errors.push('Error from server (NotFound): the server could not find the requested resource');
          continue;
        }
        const now = obj.spec?.replicas ?? 1;
        if (current >= 0 && current !== now) {
          errors.push(`error: Expected replicas to be ${current}, was ${now}`);
          continue;
        }
        try {
          updateObject(k, obj, (d) => void (d.spec = { ...d.spec, replicas }), dry);
          out.push(`${refName(obj)} ${withDryRun('scaled', dry)}`);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          errors.push(`Error from server (${e.reason}): ${e.message}`);
        }
      }
      return result(out, errors, errors.length ? 1 : 0);
    }),
};

const AUTOSCALE_FLAGS: FlagSpec[] = [
  { name: 'min', kind: 'int', default: -1 },
  { name: 'max', kind: 'int', default: -1 },
  { name: 'cpu-percent', kind: 'int', default: -1 },
  { name: 'name', kind: 'string' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'save-config', kind: 'bool' },
  DRY_RUN,
  OUTPUT,
];

export const autoscale: CommandDef = {
  name: 'autoscale',
  summary: 'Auto-scale a deployment, replica set, stateful set, or replication controller',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, AUTOSCALE_FLAGS);
      const max = p.flags.max as number;
      const min = p.flags.min as number;
      const cpu = p.flags['cpu-percent'] as number;
      if (max < 1) die(`error: --max=MAXPODS is required and must be at least 1, max: ${max}`);
      if (min > max) die(`error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
      const dry = dryRunOf(p);
      const output = typeof p.flags.output === 'string' ? p.flags.output : undefined;
      const namespace = namespaceOf(p, k);
      const { objects, errors } = resolveObjects(k, p, p.args);
      const out: string[] = [];
      for (const obj of objects) {
        if (!SCALABLE.has(obj.kind)) die(`error: cannot autoscale a ${obj.kind}: cannot autoscale a ${obj.kind}`);
        const hpa: NewObject = {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { creationTimestamp: null as unknown as string, name: typeof p.flags.name === 'string' ? p.flags.name : obj.metadata.name, ...(output && dry === 'client' ? {} : { namespace }) },
          spec: {
            maxReplicas: max,
            ...(cpu >= 0 ? { metrics: [{ resource: { name: 'cpu', target: { averageUtilization: cpu, type: 'Utilization' } }, type: 'Resource' }] } : {}),
            ...(min >= 1 ? { minReplicas: min } : {}),
            scaleTargetRef: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name },
          },
          status: { currentMetrics: null, desiredReplicas: 0 },
        };
        out.push(createObjects(k, [hpa], dry, output).replace(/ created( \(|$)/, ' autoscaled$1'));
      }
      return result(out, errors, errors.length ? 1 : 0);
    }),
};
