/** Rows of the workload kinds, as kubectl's printers.go fills them. */
import { formatSelector } from '../../../api/selectors';
import { formatAge, simMs, since } from '../duration';
import { containersAndImages, formatLabels, num, type TableDef } from './types';

const WIDE_TEMPLATE = ['CONTAINERS', 'IMAGES', 'SELECTOR'];

export const deploymentTable: TableDef = {
  columns: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
  wide: WIDE_TEMPLATE,
  row(d, c) {
    const s = d.status ?? {};
    const cells = [c.name, `${num(s.readyReplicas)}/${num(d.spec?.replicas)}`, num(s.updatedReplicas), num(s.availableReplicas), since(d.metadata.creationTimestamp, c.now)];
    if (c.wide) cells.push(...containersAndImages(d.spec?.template?.spec), formatSelector(d.spec?.selector));
    return cells;
  },
};

export const replicaSetTable: TableDef = {
  columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  wide: WIDE_TEMPLATE,
  row(rs, c) {
    const s = rs.status ?? {};
    const cells = [c.name, num(rs.spec?.replicas), num(s.replicas), num(s.readyReplicas), since(rs.metadata.creationTimestamp, c.now)];
    if (c.wide) cells.push(...containersAndImages(rs.spec?.template?.spec), formatSelector(rs.spec?.selector));
    return cells;
  },
};

export const replicationControllerTable: TableDef = {
  columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  wide: WIDE_TEMPLATE,
  row(rc, c) {
    const s = rc.status ?? {};
    const cells = [c.name, num(rc.spec?.replicas), num(s.replicas), num(s.readyReplicas), since(rc.metadata.creationTimestamp, c.now)];
    if (c.wide) cells.push(...containersAndImages(rc.spec?.template?.spec), formatLabels(rc.spec?.selector));
    return cells;
  },
};

export const daemonSetTable: TableDef = {
  columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
  wide: WIDE_TEMPLATE,
  row(ds, c) {
    const s = ds.status ?? {};
    const cells = [
      c.name,
      num(s.desiredNumberScheduled),
      num(s.currentNumberScheduled),
      num(s.numberReady),
      num(s.updatedNumberScheduled),
      num(s.numberAvailable),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      since(ds.metadata.creationTimestamp, c.now),
    ];
    if (c.wide) cells.push(...containersAndImages(ds.spec?.template?.spec), formatSelector(ds.spec?.selector));
    return cells;
  },
};

export const statefulSetTable: TableDef = {
  columns: ['NAME', 'READY', 'AGE'],
  wide: ['CONTAINERS', 'IMAGES'],
  row(ss, c) {
    const cells = [c.name, `${num(ss.status?.readyReplicas)}/${num(ss.spec?.replicas)}`, since(ss.metadata.creationTimestamp, c.now)];
    if (c.wide) cells.push(...containersAndImages(ss.spec?.template?.spec));
    return cells;
  },
};

const hasCondition = (conds: any[] | undefined, type: string) => (conds ?? []).some((x) => x.type === type && x.status === 'True');

/** The Job STATUS column (kubectl 1.30). */
export function jobStatus(job: any): string {
  const conds = job.status?.conditions;
  if (hasCondition(conds, 'Complete')) return 'Complete';
  if (hasCondition(conds, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(conds, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (hasCondition(conds, 'Suspended')) return 'Suspended';
  if (hasCondition(conds, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletions(job: any): string {
  const succeeded = num(job.status?.succeeded);
  if (typeof job.spec?.completions === 'number') return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function jobDuration(job: any, now: number): string {
  const start = simMs(job.status?.startTime);
  if (Number.isNaN(start)) return '';
  const end = simMs(job.status?.completionTime);
  return formatAge((Number.isNaN(end) ? now : end) - start);
}

export const jobTable: TableDef = {
  columns: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
  wide: WIDE_TEMPLATE,
  row(job, c) {
    const cells = [c.name, jobStatus(job), jobCompletions(job), jobDuration(job, c.now), since(job.metadata.creationTimestamp, c.now)];
    if (c.wide) cells.push(...containersAndImages(job.spec?.template?.spec), formatSelector(job.spec?.selector));
    return cells;
  },
};

const boolPtr = (v: unknown) => (v === undefined || v === null ? '<unset>' : v ? 'True' : 'False');

export const cronJobTable: TableDef = {
  columns: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
  wide: WIDE_TEMPLATE,
  row(cj, c) {
    const last = cj.status?.lastScheduleTime ? since(cj.status.lastScheduleTime, c.now) : '<none>';
    const cells = [
      c.name,
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      boolPtr(cj.spec?.suspend),
      String((cj.status?.active ?? []).length),
      last,
      since(cj.metadata.creationTimestamp, c.now),
    ];
    if (c.wide) cells.push(...containersAndImages(cj.spec?.jobTemplate?.spec?.template?.spec), formatSelector(cj.spec?.jobTemplate?.spec?.selector));
    return cells;
  },
};

/** The TARGETS column: `cpu: 42%/80%`, `<unknown>` before metrics arrive (kubectl 1.30's formatHPAMetrics). */
export function hpaTargets(hpa: any): string {
  const specs: any[] = hpa.spec?.metrics ?? [];
  const current: any[] = hpa.status?.currentMetrics ?? [];
  if (!specs.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  specs.forEach((m, i) => {
    if (list.length >= max) return;
    const cur = current[i];
    if (m.type === 'Resource' || m.type === 'ContainerResource') {
      const src = m.type === 'Resource' ? m.resource : m.containerResource;
      const cs = cur && (m.type === 'Resource' ? cur.resource : cur.containerResource);
      const name = src?.name ?? '';
      if (src?.target?.averageUtilization !== undefined) {
        const have = cs?.current?.averageUtilization !== undefined ? `${cs.current.averageUtilization}%` : '<unknown>';
        list.push(`${name}: ${have}/${src.target.averageUtilization}%`);
      } else {
        const want = src?.target?.averageValue ?? src?.target?.value ?? '';
        const have = cs?.current?.averageValue ?? cs?.current?.value ?? '<unknown>';
        list.push(`${name}: ${have}/${want}`);
      }
    } else if (m.type === 'Pods') {
      const have = cur?.pods?.current?.averageValue ?? '<unknown>';
      list.push(`${have}/${m.pods?.target?.averageValue ?? ''} (avg)`);
    } else if (m.type === 'Object' || m.type === 'External') {
      const src = m.type === 'Object' ? m.object : m.external;
      const cs = cur && (m.type === 'Object' ? cur.object : cur.external);
      const avg = src?.target?.averageValue !== undefined;
      const want = src?.target?.averageValue ?? src?.target?.value ?? '';
      const have = (avg ? cs?.current?.averageValue : cs?.current?.value) ?? '<unknown>';
      list.push(`${have}/${want}${avg ? ' (avg)' : ''}`);
    } else list.push('<unknown type>');
  });
  const more = specs.length - list.length;
  return more > 0 ? `${list.join(', ')} + ${more} more...` : list.join(', ');
}

export const hpaTable: TableDef = {
  columns: ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'],
  row(hpa, c) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    return [
      c.name,
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      hpaTargets(hpa),
      hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : '<unset>',
      num(hpa.spec?.maxReplicas),
      num(hpa.status?.currentReplicas),
      since(hpa.metadata.creationTimestamp, c.now),
    ];
  },
};

const intOrString = (v: unknown) => (v === undefined || v === null ? 'N/A' : String(v));

export const pdbTable: TableDef = {
  columns: ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
  row(pdb, c) {
    return [c.name, intOrString(pdb.spec?.minAvailable), intOrString(pdb.spec?.maxUnavailable), num(pdb.status?.disruptionsAllowed), since(pdb.metadata.creationTimestamp, c.now)];
  },
};

export const controllerRevisionTable: TableDef = {
  columns: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'],
  row(cr, c) {
    const owner = cr.metadata.ownerReferences?.find((r: any) => r.controller);
    let controller = '<none>';
    if (owner) {
      const group = String(owner.apiVersion ?? '').includes('/') ? String(owner.apiVersion).split('/')[0] : '';
      controller = `${String(owner.kind).toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`;
    }
    return [c.name, controller, num(cr.revision), since(cr.metadata.creationTimestamp, c.now)];
  },
};
