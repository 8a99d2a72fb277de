/**
 * The pod row: kubectl's printPod. The STATUS column is not the phase: it is the most telling reason
 * found walking init containers (`Init:0/1`, `Init:CrashLoopBackOff`), then app containers from the
 * last to the first (a waiting or terminated reason wins: ContainerCreating, CrashLoopBackOff,
 * ErrImagePull, OOMKilled, Completed), then `Terminating` for a pod being deleted.
 */
import type { KObject } from '../../../api/types';
import { formatAge, simMs } from '../duration';
import type { RowContext, TableDef } from './types';
import { since } from '../duration';

const isRestartableInit = (c: any) => c?.restartPolicy === 'Always';

export function podStatusSummary(pod: KObject, now: number): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart = NaN;
  let lastRestartableInitRestart = NaN;
  const later = (a: number, b: number) => (Number.isNaN(a) || b > a ? b : a);

  let reason: string = status.phase ?? '';
  if (status.reason) reason = status.reason;
  for (const c of status.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const initSpecs = new Map<string, any>();
  for (const c of spec.initContainers ?? []) {
    initSpecs.set(c.name, c);
    if (isRestartableInit(c)) totalContainers++;
  }

  let initializing = false;
  const inits: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    restarts += c.restartCount ?? 0;
    const lastTerm = c.lastState?.terminated;
    if (lastTerm?.finishedAt) lastRestart = later(lastRestart, simMs(lastTerm.finishedAt));
    const restartable = isRestartableInit(initSpecs.get(c.name));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      if (lastTerm?.finishedAt) lastRestartableInitRestart = later(lastRestartableInitRestart, simMs(lastTerm.finishedAt));
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (restartable && c.started) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (term) {
      reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c: any) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const cs: any[] = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      const lastTerm = c.lastState?.terminated;
      if (lastTerm?.finishedAt) lastRestart = later(lastRestart, simMs(lastTerm.finishedAt));
      const waiting = c.state?.waiting;
      const term = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is shown as running.
    if (reason === 'Completed' && hasRunning) {
      const podReady = (status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && !Number.isNaN(lastRestart)) restartsStr = `${restarts} (${formatAge(now - lastRestart)} ago)`;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsStr };
}

export const podTable: TableDef = {
  columns: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  row(pod, c: RowContext) {
    const s = podStatusSummary(pod, c.now);
    const cells = [c.name, s.ready, s.status, s.restarts, since(pod.metadata.creationTimestamp, c.now)];
    if (c.wide) {
      const gates: any[] = pod.spec?.readinessGates ?? [];
      let readiness = '<none>';
      if (gates.length) {
        const conds: any[] = pod.status?.conditions ?? [];
        const ok = gates.filter((g) => conds.find((x) => x.type === g.conditionType)?.status === 'True').length;
        readiness = `${ok}/${gates.length}`;
      }
      cells.push(pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readiness);
    }
    return cells;
  },
};
