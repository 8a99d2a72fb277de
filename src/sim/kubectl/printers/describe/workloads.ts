/** `kubectl describe` of Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs, CronJobs and HPAs (describe.go). */
import type { KObject } from '../../../api/types';
import { formatSelector, labelSelectorMatches } from '../../../api/selectors';
import { formatAge, simMs } from '../duration';
import { hpaTargets } from '../tables/workloads';
import { formatLabels } from '../tables/types';
import { annotationsMultiline, controlledBy, describeEvents, DescribeWriter, labelsMultiline, rfc1123z, tolerationsMultiline, type DescribeContext } from './common';
import { describeContainers, describeVolumes } from './pod';

export function describePodTemplate(w: DescribeWriter, template: any): void {
  w.line('Pod Template:');
  if (!template) {
    w.w(1, '<unset>');
    return;
  }
  labelsMultiline(w, 'Labels', template.metadata?.labels, '  ');
  if (Object.keys(template.metadata?.annotations ?? {}).length) annotationsMultiline(w, 'Annotations', template.metadata.annotations, '  ');
  const spec = template.spec ?? {};
  if (spec.serviceAccountName) w.w(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if (spec.initContainers?.length) describeContainers(w, 'Init Containers', spec.initContainers, undefined, undefined, true);
  describeContainers(w, 'Containers', spec.containers ?? [], undefined, undefined, true);
  describeVolumes(w, spec.volumes, '  ');
  if (spec.priorityClassName) w.w(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  labelsMultiline(w, 'Node-Selectors', spec.nodeSelector, '  ');
  tolerationsMultiline(w, 'Tolerations', spec.tolerations, '  ');
}

/** Pods a controller owns, by phase: `3 Running / 0 Waiting / 0 Succeeded / 0 Failed`. */
function podsStatus(owner: KObject, ctx: DescribeContext): string {
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const p of ctx.list('Pod', owner.metadata.namespace)) {
    if (!p.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)) continue;
    if (!labelSelectorMatches(owner.spec?.selector, p.metadata.labels)) continue;
    const phase = p.status?.phase;
    if (phase === 'Running') running++;
    else if (phase === 'Succeeded') succeeded++;
    else if (phase === 'Failed') failed++;
    else waiting++;
  }
  return `${running} Running / ${waiting} Waiting / ${succeeded} Succeeded / ${failed} Failed`;
}

function conditions(w: DescribeWriter, conds: any[] | undefined): void {
  if (!conds?.length) return;
  w.line('Conditions:');
  w.line('  Type\tStatus\tReason');
  w.w(1, '----\t------\t------\n');
  for (const c of conds) w.w(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

const rsSummary = (list: KObject[]) => (list.length ? list.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ') : '<none>');

export function describeDeployment(d: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = d.status ?? {};
  w.line(`Name:\t${d.metadata.name}`);
  w.line(`Namespace:\t${d.metadata.namespace}`);
  w.line(`CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}`);
  labelsMultiline(w, 'Labels', d.metadata.labels);
  annotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.line(`Selector:\t${formatSelector(d.spec?.selector)}`);
  w.line(`Replicas:\t${d.spec?.replicas ?? 1} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`);
  const strategy = d.spec?.strategy ?? {};
  w.line(`StrategyType:\t${strategy.type ?? 'RollingUpdate'}`);
  w.line(`MinReadySeconds:\t${d.spec?.minReadySeconds ?? 0}`);
  if ((strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
    const ru = strategy.rollingUpdate ?? {};
    w.line(`RollingUpdateStrategy:\t${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
  }
  describePodTemplate(w, d.spec?.template);
  conditions(w, s.conditions);
  const owned = ctx.list('ReplicaSet', d.metadata.namespace).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller));
  if (owned.length) {
    // The new ReplicaSet is the one whose template matches the Deployment's; the controller marks it
    // with the Deployment's revision annotation.
    const revision = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
    const hash = (rs: KObject) => rs.metadata.labels?.['pod-template-hash'];
    let newRS = owned.find((rs) => revision && rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision);
    newRS ??= owned.find((rs) => hash(rs) && d.spec?.template?.metadata?.labels?.['pod-template-hash'] === hash(rs));
    const old = owned.filter((rs) => rs !== newRS && ((rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0));
    w.line(`OldReplicaSets:\t${rsSummary(old)}`);
    w.line(`NewReplicaSet:\t${rsSummary(newRS ? [newRS] : [])}`);
  }
  describeEvents(w, ctx.eventsFor(d), ctx.now);
  return w.toString();
}

export function describeReplicaSet(rs: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${rs.metadata.name}`);
  w.line(`Namespace:\t${rs.metadata.namespace}`);
  w.line(`Selector:\t${formatSelector(rs.spec?.selector)}`);
  labelsMultiline(w, 'Labels', rs.metadata.labels);
  annotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  const owner = controlledBy(rs);
  if (owner) w.line(`Controlled By:\t${owner}`);
  w.line(`Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`);
  w.line(`Pods Status:\t${podsStatus(rs, ctx)}`);
  describePodTemplate(w, rs.spec?.template);
  conditions(w, rs.status?.conditions);
  describeEvents(w, ctx.eventsFor(rs), ctx.now);
  return w.toString();
}

/** describeReplicationController: a ReplicaSet's page with the map selector and no Controlled By. */
export function describeReplicationController(rc: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${rc.metadata.name}`);
  w.line(`Namespace:\t${rc.metadata.namespace}`);
  w.line(`Selector:\t${formatLabels(rc.spec?.selector)}`);
  labelsMultiline(w, 'Labels', rc.metadata.labels);
  annotationsMultiline(w, 'Annotations', rc.metadata.annotations);
  w.line(`Replicas:\t${rc.status?.replicas ?? 0} current / ${rc.spec?.replicas ?? 1} desired`);
  w.line(`Pods Status:\t${podsStatus(rc, ctx)}`);
  describePodTemplate(w, rc.spec?.template);
  conditions(w, rc.status?.conditions);
  describeEvents(w, ctx.eventsFor(rc), ctx.now);
  return w.toString();
}

export function describeDaemonSet(ds: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = ds.status ?? {};
  w.line(`Name:\t${ds.metadata.name}`);
  w.line(`Namespace:\t${ds.metadata.namespace}`);
  w.line(`Selector:\t${formatSelector(ds.spec?.selector)}`);
  const nodeSelector = Object.entries<string>(ds.spec?.template?.spec?.nodeSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
  w.line(`Node-Selector:\t${nodeSelector || '<none>'}`);
  labelsMultiline(w, 'Labels', ds.metadata.labels);
  annotationsMultiline(w, 'Annotations', ds.metadata.annotations);
  w.line(`Desired Number of Nodes Scheduled: ${s.desiredNumberScheduled ?? 0}`);
  w.line(`Current Number of Nodes Scheduled: ${s.currentNumberScheduled ?? 0}`);
  w.line(`Number of Nodes Scheduled with Up-to-date Pods: ${s.updatedNumberScheduled ?? 0}`);
  w.line(`Number of Nodes Scheduled with Available Pods: ${s.numberAvailable ?? 0}`);
  w.line(`Number of Nodes Misscheduled: ${s.numberMisscheduled ?? 0}`);
  w.line(`Pods Status:\t${podsStatus(ds, ctx)}`);
  describePodTemplate(w, ds.spec?.template);
  describeEvents(w, ctx.eventsFor(ds), ctx.now);
  return w.toString();
}

export function describeStatefulSet(ss: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = ss.status ?? {};
  w.line(`Name:\t${ss.metadata.name}`);
  w.line(`Namespace:\t${ss.metadata.namespace}`);
  w.line(`CreationTimestamp:\t${rfc1123z(ss.metadata.creationTimestamp)}`);
  w.line(`Selector:\t${formatSelector(ss.spec?.selector)}`);
  labelsMultiline(w, 'Labels', ss.metadata.labels);
  annotationsMultiline(w, 'Annotations', ss.metadata.annotations);
  w.line(`Replicas:\t${ss.spec?.replicas ?? 1} desired | ${s.replicas ?? 0} total`);
  w.line(`Update Strategy:\t${ss.spec?.updateStrategy?.type ?? 'RollingUpdate'}`);
  if (ss.spec?.updateStrategy?.rollingUpdate?.partition !== undefined) w.w(1, `Partition:\t${ss.spec.updateStrategy.rollingUpdate.partition}\n`);
  w.line(`Pods Status:\t${podsStatus(ss, ctx)}`);
  describePodTemplate(w, ss.spec?.template);
  describeVolumeClaims(w, ss.spec?.volumeClaimTemplates);
  describeEvents(w, ctx.eventsFor(ss), ctx.now);
  return w.toString();
}

/** describe.go's StatefulSet "Volume Claims": each template's name, class, labels, size and access modes. */
function describeVolumeClaims(w: DescribeWriter, templates: any[] | undefined): void {
  if (!Array.isArray(templates) || !templates.length) {
    w.line('Volume Claims:\t<none>');
    return;
  }
  w.line('Volume Claims:');
  for (const t of templates) {
    w.w(1, `Name:\t${t?.metadata?.name ?? ''}\n`);
    w.w(1, `StorageClass:\t${t?.spec?.storageClassName ?? t?.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? ''}\n`);
    labelsMultiline(w, 'Labels', t?.metadata?.labels, '  ');
    annotationsMultiline(w, 'Annotations', t?.metadata?.annotations, '  ');
    const storage = t?.spec?.resources?.requests?.storage;
    w.w(1, `Capacity:\t${storage !== undefined ? String(storage) : '<default>'}\n`);
    // Go prints the []PersistentVolumeAccessMode slice as [a b].
    w.w(1, `Access Modes:\t[${(t?.spec?.accessModes ?? []).join(' ')}]\n`);
  }
}

export function describeJob(job: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const s = job.status ?? {};
  w.line(`Name:\t${job.metadata.name}`);
  w.line(`Namespace:\t${job.metadata.namespace}`);
  w.line(`Selector:\t${formatSelector(job.spec?.selector)}`);
  labelsMultiline(w, 'Labels', job.metadata.labels);
  annotationsMultiline(w, 'Annotations', job.metadata.annotations);
  const owner = controlledBy(job);
  if (owner) w.line(`Controlled By:\t${owner}`);
  w.line(`Parallelism:\t${job.spec?.parallelism ?? 1}`);
  w.line(`Completions:\t${job.spec?.completions ?? '<unset>'}`);
  w.line(`Completion Mode:\t${job.spec?.completionMode ?? 'NonIndexed'}`);
  w.line(`Suspend:\t${job.spec?.suspend === true}`);
  w.line(`Backoff Limit:\t${job.spec?.backoffLimit ?? 6}`);
  if (job.spec?.ttlSecondsAfterFinished !== undefined) w.line(`TTL Seconds After Finished:\t${job.spec.ttlSecondsAfterFinished}`);
  if (s.startTime) w.line(`Start Time:\t${rfc1123z(s.startTime)}`);
  if (s.completionTime) {
    w.line(`Completed At:\t${rfc1123z(s.completionTime)}`);
    w.line(`Duration:\t${formatAge(simMs(s.completionTime) - simMs(s.startTime))}`);
  }
  if (job.spec?.activeDeadlineSeconds !== undefined) w.line(`Active Deadline Seconds:\t${job.spec.activeDeadlineSeconds}s`);
  w.line(`Pods Statuses:\t${s.active ?? 0} Active (${s.ready ?? 0} Ready) / ${s.succeeded ?? 0} Succeeded / ${s.failed ?? 0} Failed`);
  if (job.spec?.completionMode === 'Indexed') w.line(`Completed Indexes:\t${s.completedIndexes || '<none>'}`);
  describePodTemplate(w, job.spec?.template);
  describeEvents(w, ctx.eventsFor(job), ctx.now);
  return w.toString();
}

export function describeCronJob(cj: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = cj.spec ?? {};
  w.line(`Name:\t${cj.metadata.name}`);
  w.line(`Namespace:\t${cj.metadata.namespace}`);
  labelsMultiline(w, 'Labels', cj.metadata.labels);
  annotationsMultiline(w, 'Annotations', cj.metadata.annotations);
  w.line(`Schedule:\t${spec.schedule ?? ''}`);
  w.line(`Concurrency Policy:\t${spec.concurrencyPolicy ?? 'Allow'}`);
  w.line(`Suspend:\t${spec.suspend === true ? 'True' : 'False'}`);
  w.line(`Successful Job History Limit:\t${spec.successfulJobsHistoryLimit ?? 3}`);
  w.line(`Failed Job History Limit:\t${spec.failedJobsHistoryLimit ?? 1}`);
  w.line(`Starting Deadline Seconds:\t${spec.startingDeadlineSeconds !== undefined ? `${spec.startingDeadlineSeconds}s` : '<unset>'}`);
  w.line(`Selector:\t${spec.jobTemplate?.spec?.selector ? formatSelector(spec.jobTemplate.spec.selector) : '<unset>'}`);
  w.line(`Parallelism:\t${spec.jobTemplate?.spec?.parallelism ?? '<unset>'}`);
  w.line(`Completions:\t${spec.jobTemplate?.spec?.completions ?? '<unset>'}`);
  describePodTemplate(w, spec.jobTemplate?.spec?.template);
  w.line(`Last Schedule Time:\t${cj.status?.lastScheduleTime ? rfc1123z(cj.status.lastScheduleTime) : '<unset>'}`);
  const active: any[] = cj.status?.active ?? [];
  w.line(`Active Jobs:\t${active.length ? active.map((a) => a.name).join(', ') : '<none>'}`);
  describeEvents(w, ctx.eventsFor(cj), ctx.now);
  return w.toString();
}

export function describeHPA(hpa: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = hpa.spec ?? {};
  const s = hpa.status ?? {};
  w.line(`Name:\t${hpa.metadata.name}`);
  w.line(`Namespace:\t${hpa.metadata.namespace}`);
  labelsMultiline(w, 'Labels', hpa.metadata.labels);
  annotationsMultiline(w, 'Annotations', hpa.metadata.annotations);
  w.line(`CreationTimestamp:\t${rfc1123z(hpa.metadata.creationTimestamp)}`);
  w.line(`Reference:\t${spec.scaleTargetRef?.kind ?? ''}/${spec.scaleTargetRef?.name ?? ''}`);
  w.line('Metrics:\t( current / target )');
  const specs: any[] = spec.metrics ?? [];
  const current: any[] = s.currentMetrics ?? [];
  specs.forEach((m, i) => {
    if (m.type === 'Resource' && m.resource?.target?.averageUtilization !== undefined) {
      const cur = current[i]?.resource?.current;
      const have = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}% (${cur.averageValue ?? ''})` : '<unknown>';
      w.w(1, `resource ${m.resource.name} on pods  (as a percentage of request):\t${have} / ${m.resource.target.averageUtilization}%\n`);
    } else if (m.type === 'Resource') {
      const cur = current[i]?.resource?.current;
      w.w(1, `resource ${m.resource?.name} on pods:\t${cur?.averageValue ?? '<unknown>'} / ${m.resource?.target?.averageValue ?? m.resource?.target?.value ?? ''}\n`);
    } else {
      w.w(1, `${String(m.type).toLowerCase()} metric:\t${hpaTargets({ spec: { metrics: [m] }, status: { currentMetrics: current[i] ? [current[i]] : [] } })}\n`);
    }
  });
  w.line(`Min replicas:\t${spec.minReplicas ?? 1}`);
  w.line(`Max replicas:\t${spec.maxReplicas ?? 0}`);
  w.line(`${spec.scaleTargetRef?.kind ?? ''} pods:\t${s.currentReplicas ?? 0} current / ${s.desiredReplicas ?? 0} desired`);
  if (s.conditions?.length) {
    w.line('Conditions:');
    w.line('  Type\tStatus\tReason\tMessage');
    w.w(1, '----\t------\t------\t-------\n');
    for (const c of s.conditions) w.w(1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  describeEvents(w, ctx.eventsFor(hpa), ctx.now);
  return w.toString();
}
