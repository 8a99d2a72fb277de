/** `kubectl describe pod`, and the container and volume sections pod templates share (describe.go's describePod). */
import type { KObject } from '../../../api/types';
import { canonicalQuantity } from '../../../api/quantity';
import { formatAge, simMs } from '../duration';
import { annotationsMultiline, controlledBy, describeEvents, DescribeWriter, labelsMultiline, rfc1123z, tolerationsMultiline, type DescribeContext } from './common';

const q = (v: unknown) => canonicalQuantity(v) ?? String(v);

function portsString(ports: any[] | undefined, host: boolean): string {
  return (ports ?? []).map((p) => `${host ? p.hostPort ?? 0 : p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
}

/** DescribeProbe: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function describeProbe(p: any): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const scheme = String(p.httpGet.scheme ?? 'HTTP').toLowerCase();
    const port = p.httpGet.port === undefined ? '' : String(p.httpGet.port);
    const host = p.httpGet.host ?? '';
    const hostPort = port ? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`) : host;
    return `http-get ${scheme}://${hostPort}${p.httpGet.path ?? ''} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeState(w: DescribeWriter, title: string, state: any): void {
  if (state?.running) {
    w.w(2, `${title}:\tRunning\n`);
    w.w(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting) {
    w.w(2, `${title}:\tWaiting\n`);
    if (state.waiting.reason) w.w(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.w(2, `${title}:\tTerminated\n`);
    if (t.reason) w.w(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.w(3, `Message:\t${t.message}\n`);
    w.w(3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if (t.signal > 0) w.w(3, `Signal:\t${t.signal}\n`);
    w.w(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.w(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.w(2, `${title}:\tWaiting\n`);
  }
}

function envValue(e: any, pod: KObject | undefined): string {
  if (e.value !== undefined) return `${e.name}:\t${e.value}`;
  const vf = e.valueFrom ?? {};
  if (vf.fieldRef) {
    let resolved = '';
    if (pod) {
      let v: any = pod;
      for (const seg of String(vf.fieldRef.fieldPath).split('.')) v = v?.[seg];
      resolved = typeof v === 'string' ? v : '';
    }
    return `${e.name}:\t${resolved} (${vf.fieldRef.apiVersion ?? 'v1'}:${vf.fieldRef.fieldPath})`;
  }
  if (vf.resourceFieldRef) return `${e.name}:\t${vf.resourceFieldRef.containerName ?? ''} (${vf.resourceFieldRef.resource})`;
  if (vf.secretKeyRef) return `${e.name}:\t<set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name}'>\tOptional: ${vf.secretKeyRef.optional === true}`;
  if (vf.configMapKeyRef) return `${e.name}:\t<set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name}'>\tOptional: ${vf.configMapKeyRef.optional === true}`;
  return `${e.name}:\t`;
}

/**
 * The Containers (or Init Containers) section. `template` is true inside a Pod Template, where
 * kubectl indents the section by two and the container names by three.
 */
export function describeContainers(w: DescribeWriter, label: string, containers: any[], statuses: any[] | undefined, pod: KObject | undefined, template = false): void {
  const space = template ? '  ' : '';
  w.line(`${space}${label}:`);
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  for (const c of containers) {
    const status = byName.get(c.name);
    // describeContainerBasicInfo writes the name alone on its line (no cell), so it ends the
    // tab block above and carries no padding.
    w.line(`${template ? '   ' : '  '}${c.name}:`);
    if (status) w.w(2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.w(2, `Image:\t${c.image ?? ''}\n`);
    if (status) w.w(2, `Image ID:\t${status.imageID ?? ''}\n`);
    const ports = portsString(c.ports, false);
    w.w(2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${ports || '<none>'}\n`);
    const hostPorts = portsString(c.ports, true);
    w.w(2, hostPorts.includes(',') ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || '<none>'}\n`);
    for (const [title, list] of [
      ['Command', c.command],
      ['Args', c.args],
    ] as const) {
      if (!list?.length) continue;
      w.w(2, `${title}:\n`);
      for (const item of list) for (const part of String(item).split('\n')) w.w(3, `${part}\n`);
    }
    if (status) {
      describeState(w, 'State', status.state);
      if (status.lastState?.terminated) describeState(w, 'Last State', status.lastState);
      w.w(2, `Ready:\t${status.ready ? 'True' : 'False'}\n`);
      w.w(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    for (const [title, list] of [
      ['Limits', c.resources?.limits],
      ['Requests', c.resources?.requests],
    ] as const) {
      const keys = Object.keys(list ?? {}).sort();
      if (!keys.length) continue;
      w.w(2, `${title}:\n`);
      for (const k of keys) w.w(3, `${k}:\t${q(list[k])}\n`);
    }
    if (c.livenessProbe) w.w(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.w(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.w(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    if (c.envFrom?.length) {
      w.w(2, 'Environment Variables from:\n');
      for (const ef of c.envFrom) {
        const ref = ef.configMapRef ?? ef.secretRef;
        const kind = ef.configMapRef ? 'ConfigMap' : 'Secret';
        w.w(3, `${ref?.name ?? ''}\t${kind}${ef.prefix ? ` with prefix '${ef.prefix}'` : ''}\tOptional: ${ref?.optional === true}\n`);
      }
    }
    if (!c.env?.length) w.w(2, 'Environment:\t<none>\n');
    else {
      w.w(2, 'Environment:\n');
      for (const e of c.env) w.w(3, `${envValue(e, pod)}\n`);
    }
    if (!c.volumeMounts?.length) w.w(2, 'Mounts:\t<none>\n');
    else {
      w.w(2, 'Mounts:\n');
      const mounts = [...c.volumeMounts].sort((a: any, b: any) => (a.mountPath < b.mountPath ? -1 : 1));
      for (const m of mounts) {
        const flags = [m.readOnly ? 'ro' : 'rw'];
        if (m.subPath) flags.push(`path="${m.subPath}"`);
        w.w(3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
      }
    }
  }
}

/** describeVolumes, for pods (space '') and templates (space '  '). */
export function describeVolumes(w: DescribeWriter, volumes: any[] | undefined, space = ''): void {
  if (!volumes?.length) {
    w.line(`${space}Volumes:\t<none>`);
    return;
  }
  w.line(`${space}Volumes:`);
  for (const v of volumes) {
    w.line(`${space}  ${v.name}:`);
    const f = (k: string, val: unknown) => w.line(`${space}    ${k}:\t${val}`);
    if (v.emptyDir) {
      f('Type', "EmptyDir (a temporary directory that shares a pod's lifetime)");
      f('Medium', v.emptyDir.medium ?? '');
      f('SizeLimit', v.emptyDir.sizeLimit ? q(v.emptyDir.sizeLimit) : '<unset>');
    } else if (v.configMap) {
      f('Type', 'ConfigMap (a volume populated by a ConfigMap)');
      f('Name', v.configMap.name ?? '');
      f('Optional', v.configMap.optional === true);
    } else if (v.secret) {
      f('Type', 'Secret (a volume populated by a Secret)');
      f('SecretName', v.secret.secretName ?? '');
      f('Optional', v.secret.optional === true);
    } else if (v.persistentVolumeClaim) {
      f('Type', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
      f('ClaimName', v.persistentVolumeClaim.claimName ?? '');
      f('ReadOnly', v.persistentVolumeClaim.readOnly === true);
    } else if (v.hostPath) {
      f('Type', 'HostPath (bare host directory volume)');
      f('Path', v.hostPath.path ?? '');
      f('HostPathType', v.hostPath.type ?? '');
    } else if (v.projected) {
      f('Type', 'Projected (a volume that contains injected data from multiple sources)');
      for (const s of v.projected.sources ?? []) {
        if (s.serviceAccountToken) f('TokenExpirationSeconds', s.serviceAccountToken.expirationSeconds ?? 3607);
        if (s.configMap) {
          f('ConfigMapName', s.configMap.name);
          f('ConfigMapOptional', s.configMap.optional === undefined ? '<nil>' : s.configMap.optional);
        }
        if (s.secret) {
          f('SecretName', s.secret.name);
          f('SecretOptional', s.secret.optional === undefined ? '<nil>' : s.secret.optional);
        }
        if (s.downwardAPI) f('DownwardAPI', 'true');
      }
    } else if (v.downwardAPI) {
      f('Type', 'DownwardAPI (a volume populated by information about the pod)');
      f('Items', '');
    } else {
      f('Type', '<unknown>');
    }
  }
}

/** The QoS class the API server would record: Guaranteed, Burstable or BestEffort. */
export function qosClass(pod: KObject): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const cs: any[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const rq = req[r] ?? l;
      if (l === undefined || q(l) !== q(rq)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function describePod(pod: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  w.line(`Name:\t${pod.metadata.name}`);
  w.line(`Namespace:\t${pod.metadata.namespace ?? ''}`);
  if (spec.priority !== undefined) w.line(`Priority:\t${spec.priority}`);
  if (spec.priorityClassName) w.line(`Priority Class Name:\t${spec.priorityClassName}`);
  if (spec.runtimeClassName) w.line(`Runtime Class Name:\t${spec.runtimeClassName}`);
  w.line(`Service Account:\t${spec.serviceAccountName ?? ''}`);
  w.line(`Node:\t${spec.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : '<none>'}`);
  if (status.startTime) w.line(`Start Time:\t${rfc1123z(status.startTime)}`);
  labelsMultiline(w, 'Labels', pod.metadata.labels);
  annotationsMultiline(w, 'Annotations', pod.metadata.annotations);
  if (pod.metadata.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w.line(`Status:\tTerminating (lasts ${formatAge(simMs(pod.metadata.deletionTimestamp) - ctx.now)})`);
    w.line(`Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s`);
  } else w.line(`Status:\t${status.phase ?? ''}`);
  if (status.reason) w.line(`Reason:\t${status.reason}`);
  if (status.message) w.line(`Message:\t${status.message}`);
  w.line(`IP:\t${status.podIP ?? ''}`);
  const ips: any[] = status.podIPs ?? (status.podIP ? [{ ip: status.podIP }] : []);
  if (!ips.length) w.line('IPs:\t<none>');
  else {
    w.line('IPs:');
    for (const ip of ips) w.w(1, `IP:\t${ip.ip}\n`);
  }
  const owner = controlledBy(pod);
  if (owner) w.line(`Controlled By:\t${owner}`);
  if (status.nominatedNodeName) w.line(`NominatedNodeName:\t${status.nominatedNodeName}`);
  if (spec.initContainers?.length) describeContainers(w, 'Init Containers', spec.initContainers, status.initContainerStatuses, pod);
  describeContainers(w, 'Containers', spec.containers ?? [], status.containerStatuses, pod);
  if (spec.readinessGates?.length) {
    w.line('Readiness Gates:');
    w.line('  Type\tStatus');
    for (const g of spec.readinessGates) {
      const c = (status.conditions ?? []).find((x: any) => x.type === g.conditionType);
      w.w(1, `${g.conditionType} \t${c?.status ?? '<none>'} \n`);
    }
  }
  if (status.conditions?.length) {
    w.line('Conditions:');
    w.line('  Type\tStatus');
    for (const c of status.conditions) w.w(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec.volumes);
  w.line(`QoS Class:\t${qosClass(pod)}`);
  labelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
  tolerationsMultiline(w, 'Tolerations', spec.tolerations);
  if (spec.topologySpreadConstraints?.length) {
    w.w(0, 'Topology Spread Constraints:\t');
    spec.topologySpreadConstraints.forEach((t: any, i: number) => {
      if (i) w.w(0, '\t');
      w.line(`${t.topologyKey}:${t.whenUnsatisfiable} when max skew ${t.maxSkew} is exceeded for selector ${formatSel(t.labelSelector)}`);
    });
  }
  describeEvents(w, ctx.eventsFor(pod), ctx.now);
  return w.toString();
}

function formatSel(ls: any): string {
  const parts = Object.entries<string>(ls?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.join(',') || '<none>';
}
