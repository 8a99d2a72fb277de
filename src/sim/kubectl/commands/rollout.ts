/**
 * `kubectl rollout status|history|undo|pause|resume|restart`, after kubectl's polymorphic helpers:
 * - status reads the object's status the way kubectl's status viewers do (rollout_status.go);
 *   real kubectl then blocks until done, which an engine answering in one instant cannot. So the
 *   command prints the line true at this moment (exit 0), `--timeout` turns "not done" into
 *   kubectl's timeout error, and `rolloutStatus` lets the console poll as simulated time passes;
 * - history and undo work on the Deployment's ReplicaSets and their `deployment.kubernetes.io/revision`;
 *   undo copies the chosen ReplicaSet's template (without `pod-template-hash`) into the Deployment;
 * - restart stamps `kubectl.kubernetes.io/restartedAt` on the pod template, which rolls the pods.
 */
import type { EngineContext } from '../../context';
import { deepEqual } from '../../api/json';
import { resolveResource } from '../../api/resources';
import type { KObject } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { die, DRY_RUN, dryRunOf, guard, parseDuration, pluralName, refName, resolveObjects, result, SELECTOR, updateObject, withDryRun } from './util';

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** Annotations kubectl does not copy from a ReplicaSet back to its Deployment on rollback. */
const SKIP_COPY = new Set([
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

export type RolloutStatus = { done: boolean; line: string; error?: string };

/** What `kubectl rollout status` says about an object right now. */
export function statusOf(obj: KObject): RolloutStatus {
  const st = obj.status ?? {};
  const gen = obj.metadata.generation ?? 0;
  const name = obj.metadata.name;
  switch (obj.kind) {
    case 'Deployment': {
      if (gen > (st.observedGeneration ?? 0)) return { done: false, line: 'Waiting for deployment spec update to be observed...' };
      const progressing = (st.conditions ?? []).find((c: any) => c.type === 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, line: '', error: `error: deployment "${name}" exceeded its progress deadline` };
      const want = obj.spec?.replicas ?? 1;
      const updated = st.updatedReplicas ?? 0;
      const total = st.replicas ?? 0;
      const available = st.availableReplicas ?? 0;
      if (updated < want) return { done: false, line: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
      if (total > updated) return { done: false, line: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...` };
      if (available < updated) return { done: false, line: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
      return { done: true, line: `deployment "${name}" successfully rolled out` };
    }
    case 'DaemonSet': {
      if ((obj.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { done: true, line: '', error: 'error: rollout status is only available for RollingUpdate strategy type' };
      if (gen > (st.observedGeneration ?? 0)) return { done: false, line: 'Waiting for daemon set spec update to be observed...' };
      const desired = st.desiredNumberScheduled ?? 0;
      if ((st.updatedNumberScheduled ?? 0) < desired) return { done: false, line: `Waiting for daemon set "${name}" rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...` };
      if ((st.numberAvailable ?? 0) < desired) return { done: false, line: `Waiting for daemon set "${name}" rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...` };
      return { done: true, line: `daemon set "${name}" successfully rolled out` };
    }
    case 'StatefulSet': {
      if ((obj.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { done: true, line: '', error: 'error: rollout status is only available for RollingUpdate strategy type' };
      if (!st.observedGeneration || gen > st.observedGeneration) return { done: false, line: 'Waiting for statefulset spec update to be observed...' };
      const want = obj.spec?.replicas ?? 1;
      if ((st.readyReplicas ?? 0) < want) return { done: false, line: `Waiting for ${want - (st.readyReplicas ?? 0)} pods to be ready...` };
      const partition = obj.spec?.updateStrategy?.rollingUpdate?.partition;
      if (obj.spec?.updateStrategy?.rollingUpdate) {
        if (partition !== undefined && (st.updatedReplicas ?? 0) < want - partition) {
          return { done: false, line: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${want - partition} new pods have been updated...` };
        }
        return { done: true, line: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...` };
      }
      if (st.updateRevision !== st.currentRevision) return { done: false, line: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...` };
      return { done: true, line: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...` };
    }
    default:
      return { done: true, line: '', error: `error: no status viewer has been implemented for ${obj.kind}` };
  }
}

/**
 * The console's way to stream `kubectl rollout status`: call again as simulated time passes until
 * `done`. `ref` is `deployment/web` (any name kubectl takes for the type).
 */
export function rolloutStatus(k: { ctx: EngineContext }, ref: string, namespace = 'default'): RolloutStatus {
  const i = ref.indexOf('/');
  const def = i > 0 ? resolveResource(ref.slice(0, i)) : undefined;
  if (!def) return { done: true, line: '', error: `error: the server doesn't have a resource type "${i > 0 ? ref.slice(0, i) : ref}"` };
  const name = ref.slice(i + 1);
  const obj = k.ctx.store.get(def.kind, def.namespaced ? namespace : undefined, name);
  if (!obj) return { done: true, line: '', error: `Error from server (NotFound): ${pluralName(def)} "${name}" not found` };
  return statusOf(obj);
}

/** The ReplicaSets a Deployment controls, with their revisions. */
function replicaSetsOf(k: KubectlContext, d: KObject): { rs: KObject; revision: number }[] {
  const out: { rs: KObject; revision: number }[] = [];
  for (const rs of k.ctx.store.each('ReplicaSet', d.metadata.namespace)) {
    if (!rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid)) continue;
    const revision = Number(rs.metadata.annotations?.[REVISION]);
    if (Number.isInteger(revision)) out.push({ rs, revision });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

function withoutHash(template: any): any {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) {
    delete t.metadata.labels['pod-template-hash'];
    if (!Object.keys(t.metadata.labels).length) delete t.metadata.labels;
  }
  return t;
}

function labelLines(title: string, map: Record<string, string> | undefined, indent = ''): string[] {
  const keys = Object.keys(map ?? {}).sort();
  if (!keys.length) return [`${indent}${title}:\t<none>`];
  return keys.map((key, i) => (i === 0 ? `${indent}${title}:\t${key}=${map![key]}` : `\t${key}=${map![key]}`));
}

/** The pod template as `kubectl rollout history --revision` prints it (DescribePodTemplate). */
export function describePodTemplate(t: any): string[] {
  const lines = ['Pod Template:', ...labelLines('Labels', t?.metadata?.labels, '  ')];
  if (t?.metadata?.annotations && Object.keys(t.metadata.annotations).length) lines.push(...labelLines('Annotations', t.metadata.annotations, '  ').map((l) => l.replace(/=/, ': ')));
  if (t?.spec?.serviceAccountName) lines.push(`  Service Account:\t${t.spec.serviceAccountName}`);
  const containers = (title: string, list: any[]) => {
    lines.push(`  ${title}:`);
    for (const c of list) {
      lines.push(`   ${c.name}:`);
      lines.push(`    Image:\t${c.image}`);
      const port = c.ports?.[0];
      lines.push(`    Port:\t${port ? `${port.containerPort}/${port.protocol ?? 'TCP'}` : '<none>'}`);
      lines.push(`    Host Port:\t${port ? `${port.hostPort ?? 0}/${port.protocol ?? 'TCP'}` : '<none>'}`);
      if (c.command?.length) lines.push('    Command:', ...c.command.map((x: string) => `      ${x}`));
      if (c.args?.length) lines.push('    Args:', ...c.args.map((x: string) => `      ${x}`));
      for (const kind of ['limits', 'requests'] as const) {
        const r = c.resources?.[kind];
        if (r && Object.keys(r).length) lines.push(`    ${kind === 'limits' ? 'Limits' : 'Requests'}:`, ...Object.keys(r).sort().map((key) => `      ${key}:\t${r[key]}`));
      }
      if (c.env?.length) lines.push('    Environment:', ...c.env.map((e: any) => `      ${e.name}:\t${e.value ?? '<set from a reference>'}`));
      else lines.push('    Environment:\t<none>');
      lines.push(`    Mounts:\t${c.volumeMounts?.length ? '' : '<none>'}`);
      for (const m of c.volumeMounts ?? []) lines.push(`      ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
    }
  };
  if (t?.spec?.initContainers?.length) containers('Init Containers', t.spec.initContainers);
  containers('Containers', t?.spec?.containers ?? []);
  lines.push(`  Volumes:\t${t?.spec?.volumes?.length ? '' : '<none>'}`);
  for (const v of t?.spec?.volumes ?? []) lines.push(`   ${v.name}:`);
  lines.push(...labelLines('Node-Selectors', t?.spec?.nodeSelector, '  '));
  const tol = t?.spec?.tolerations ?? [];
  if (!tol.length) lines.push('  Tolerations:\t<none>');
  else {
    tol.forEach((x: any, i: number) => {
      const text = `${x.key ?? ''}${x.operator === 'Exists' ? '' : `=${x.value ?? ''}`}${x.effect ? `:${x.effect}` : ''}${x.operator === 'Exists' && !x.key ? ' op=Exists' : ''}`;
      lines.push(i === 0 ? `  Tolerations:\t${text}` : `\t${text}`);
    });
  }
  return lines;
}

const FLAGS: FlagSpec[] = [
  SELECTOR,
  DRY_RUN,
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'watch', short: 'w', kind: 'bool', default: true },
  { name: 'timeout', kind: 'string' },
  { name: 'revision', kind: 'int', default: 0 },
  { name: 'to-revision', kind: 'int', default: 0 },
  { name: 'all', kind: 'bool' },
];

type Sub = (obj: KObject, k: KubectlContext, flags: Record<string, unknown>) => { out?: string; err?: string };

function onlyDeployments(obj: KObject, what: string): string | undefined {
  if (obj.kind === 'Deployment') return undefined;
  return `error: ${what} is not supported for ${pluralName(resolveResource(obj.kind)!)} in Podium`;
}

const SUBS: Record<string, Sub> = {
  history(obj, k, flags) {
    const bad = onlyDeployments(obj, 'history');
    if (bad) return { err: bad };
    const revs = replicaSetsOf(k, obj);
    const want = flags.revision as number;
    if (want > 0) {
      const hit = revs.find((r) => r.revision === want);
      if (!hit) return { err: `error: unable to find the specified revision` };
      return { out: [`${refName(obj)} with revision #${want}`, ...describePodTemplate(hit.rs.spec?.template), ''].join('\n') };
    }
    if (!revs.length) return { out: `${refName(obj)} \nNo rollout history found.` };
    const rows = revs.map((r) => [String(r.revision), r.rs.metadata.annotations?.[CHANGE_CAUSE] || '<none>']);
    const width = Math.max('REVISION'.length, ...rows.map((r) => r[0].length)) + 2;
    return { out: [`${refName(obj)} `, `${'REVISION'.padEnd(width)}CHANGE-CAUSE`, ...rows.map((r) => `${r[0].padEnd(width)}${r[1]}`), '', ''].join('\n') };
  },
  undo(obj, k, flags) {
    const bad = onlyDeployments(obj, 'rollback');
    if (bad) return { err: bad };
    if (obj.spec?.paused) return { err: `error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again` };
    const to = flags['to-revision'] as number;
    const revs = replicaSetsOf(k, obj);
    let target: KObject | undefined;
    if (to > 0) {
      target = revs.find((r) => r.revision === to)?.rs;
      if (!target) return { err: `error: unable to find specified revision ${to} in history` };
    } else {
      if (revs.length < 2) return { err: `error: no rollout history found for deployment "${obj.metadata.name}"` };
      target = revs[revs.length - 2].rs;
    }
    const template = withoutHash(target.spec?.template);
    if (deepEqual(template, withoutHash(obj.spec?.template))) return { out: `${refName(obj)} skipped rollback (current template already matches revision ${to})` };
    const dry = flags.dry as 'none' | 'client' | 'server';
    updateObject(
      k,
      obj,
      (d) => {
        d.spec.template = template;
        // kubectl replaces the Deployment's annotations: its own bookkeeping ones stay, the rest
        // come from the ReplicaSet (so a change-cause follows the revision it describes).
        const kept = Object.entries(d.metadata.annotations ?? {}).filter(([key]) => SKIP_COPY.has(key));
        const copied = Object.entries(target!.metadata.annotations ?? {}).filter(([key]) => !SKIP_COPY.has(key));
        const annotations = Object.fromEntries([...kept, ...copied]);
        if (Object.keys(annotations).length) d.metadata.annotations = annotations;
        else delete d.metadata.annotations;
      },
      dry,
    );
    return { out: `${refName(obj)} ${withDryRun('rolled back', dry)}` };
  },
  pause(obj, k, flags) {
    if (obj.kind !== 'Deployment') return { err: `error: ${refName(obj)} pausing is not supported` };
    if (obj.spec?.paused) return { err: `error: ${pluralName(resolveResource(obj.kind)!)} "${obj.metadata.name}" is already paused` };
    updateObject(k, obj, (d) => void (d.spec.paused = true), flags.dry as never);
    return { out: `${refName(obj)} ${withDryRun('paused', flags.dry as never)}` };
  },
  resume(obj, k, flags) {
    if (obj.kind !== 'Deployment') return { err: `error: ${refName(obj)} resuming is not supported` };
    if (!obj.spec?.paused) return { err: `error: ${pluralName(resolveResource(obj.kind)!)} "${obj.metadata.name}" is not paused` };
    updateObject(k, obj, (d) => void delete d.spec.paused, flags.dry as never);
    return { out: `${refName(obj)} ${withDryRun('resumed', flags.dry as never)}` };
  },
  restart(obj, k, flags) {
    if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(obj.kind)) return { err: `error: ${refName(obj)} restarting is not supported` };
    if (obj.spec?.paused) return { err: `error: ${pluralName(resolveResource(obj.kind)!)} "${obj.metadata.name}" can't restart paused deployment (run rollout resume first)` };
    updateObject(
      k,
      obj,
      (d) => {
        const t = (d.spec.template ??= {});
        t.metadata = { ...(t.metadata ?? {}), annotations: { ...(t.metadata?.annotations ?? {}), [RESTARTED_AT]: k.ctx.clock.iso() } };
      },
      flags.dry as never,
    );
    return { out: `${refName(obj)} ${withDryRun('restarted', flags.dry as never)}` };
  },
  status(obj, k, flags) {
    const s = statusOf(obj);
    if (s.error) return { err: s.error };
    if (!s.done && flags.watch && typeof flags.timeout === 'string' && (parseDuration(flags.timeout) ?? 0) > 0) {
      return { out: s.line, err: 'error: timed out waiting for the condition' };
    }
    return { out: s.line };
  },
};

export const rollout: CommandDef = {
  name: 'rollout',
  summary: 'Manage the rollout of a resource',
  run: (words, k) =>
    guard((): KubectlResult => {
      const [sub, ...rest] = words;
      if (!sub) die('error: Required resource not specified.\nAvailable Commands: history, pause, restart, resume, status, undo');
      const fn = SUBS[sub];
      if (!fn) die(`error: unknown command "${sub}" for "kubectl rollout"`);
      const p = parseFlags(rest, FLAGS);
      const { objects, errors } = resolveObjects(k, p, p.args);
      const out: string[] = [];
      const flags = { ...p.flags, dry: dryRunOf(p) };
      for (const obj of objects) {
        const r = fn(obj, k, flags);
        if (r.out !== undefined) out.push(r.out);
        if (r.err) errors.push(r.err);
      }
      return result(out, errors, errors.length ? 1 : 0);
    }),
};
