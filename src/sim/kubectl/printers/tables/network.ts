/** Rows of Services, Endpoints, EndpointSlices, Ingresses and NetworkPolicies (printers.go). */
import { formatSelector } from '../../../api/selectors';
import { since } from '../duration';
import { formatLabels, type TableDef } from './types';

const LOAD_BALANCER_WIDTH = 16;

/** loadBalancerStatusStringer: IPs or hostnames, shortened to 13 characters and `...` unless wide. */
export function loadBalancerStatus(lb: any, wide: boolean): string {
  const ingress: any[] = lb?.ingress ?? [];
  const result = ingress.map((i) => i.ip || i.hostname).filter(Boolean);
  let r = result.join(',');
  if (!wide && r.length > LOAD_BALANCER_WIDTH) r = r.slice(0, LOAD_BALANCER_WIDTH - 3) + '...';
  return r;
}

export function serviceExternalIP(svc: any, wide: boolean): string {
  const externalIPs: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(svc.status?.loadBalancer, wide);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
  }
  return '<unknown>';
}

/** `80:30080/TCP,443/TCP`, `<none>`. */
export function servicePorts(svc: any): string {
  const ports: any[] = svc.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export const serviceTable: TableDef = {
  columns: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
  wide: ['SELECTOR'],
  row(svc, c) {
    const cells = [c.name, svc.spec?.type ?? 'ClusterIP', svc.spec?.clusterIP || '<none>', serviceExternalIP(svc, c.wide), servicePorts(svc), since(svc.metadata.creationTimestamp, c.now)];
    if (c.wide) cells.push(formatLabels(svc.spec?.selector));
    return cells;
  },
};

const joinHostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** formatEndpoints: the first three `ip:port`, then `+ N more...`. */
export function formatEndpoints(ep: any): string {
  const subsets: any[] = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs: any[] = ss.addresses ?? [];
    const ports: any[] = ss.ports ?? [];
    if (!ports.length) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, p.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsTable: TableDef = {
  columns: ['NAME', 'ENDPOINTS', 'AGE'],
  row(ep, c) {
    return [c.name, formatEndpoints(ep), since(ep.metadata.creationTimestamp, c.now)];
  },
};

function formatSliceList(values: string[]): string {
  if (!values.length) return '<unset>';
  const max = 3;
  return values.length > max ? `${values.slice(0, max).join(',')} + ${values.length - max} more...` : values.join(',');
}

export const endpointSliceTable: TableDef = {
  columns: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
  row(es, c) {
    const ports = (es.ports ?? []).map((p: any) => (p.port === undefined || p.port === null ? '' : String(p.port)));
    const addrs = (es.endpoints ?? []).flatMap((e: any) => e.addresses ?? []);
    return [c.name, es.addressType ?? '', formatSliceList(ports), formatSliceList(addrs), since(es.metadata.creationTimestamp, c.now)];
  },
};

function formatHosts(rules: any[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const r of rules) {
    if (list.length === max) {
      more = true;
      continue;
    }
    if (r.host) list.push(r.host);
  }
  if (!list.length) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export const ingressTable: TableDef = {
  columns: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
  row(ing, c) {
    const cls = ing.spec?.ingressClassName || '<none>';
    const ports = (ing.spec?.tls ?? []).length ? '80, 443' : '80';
    return [c.name, cls, formatHosts(ing.spec?.rules ?? []), loadBalancerStatus(ing.status?.loadBalancer, c.wide), ports, since(ing.metadata.creationTimestamp, c.now)];
  },
};

export const ingressClassTable: TableDef = {
  columns: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'],
  row(ic, c) {
    const p = ic.spec?.parameters;
    let params = '<none>';
    if (p) params = `${p.kind}.${p.apiGroup ?? ''}/${p.name}`.replace('./', '/');
    return [c.name, ic.spec?.controller ?? '', params, since(ic.metadata.creationTimestamp, c.now)];
  },
};

export const networkPolicyTable: TableDef = {
  columns: ['NAME', 'POD-SELECTOR', 'AGE'],
  row(np, c) {
    return [c.name, formatSelector(np.spec?.podSelector ?? {}), since(np.metadata.creationTimestamp, c.now)];
  },
};
