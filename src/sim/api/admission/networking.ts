/**
 * networking.k8s.io/v1: Ingress (pathType has no default: it is required), IngressClass and
 * NetworkPolicy (policyTypes follow the rules written). Validation as pkg/apis/networking/validation.
 */
import type { KObject } from '../types';
import { isPlainObject } from '../json';
import type { FieldPath } from '../yaml';
import type { AdmissionPlugin } from './registry';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { each, isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, validateLabelSelector, validatePortNumOrName } from './validation';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isCIDR(v: string): boolean {
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (IPV4.test(ip)) return Number(bits) <= 32;
  return /^[0-9a-fA-F:]+$/.test(ip) && ip.includes(':') && Number(bits) <= 128;
}

function validateBackend(b: unknown, path: FieldPath): FieldError[] {
  if (!obj(b)) return [required(path)];
  const errs: FieldError[] = [];
  const hasResource = b.resource !== undefined;
  const hasService = b.service !== undefined;
  if (hasResource && hasService) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    if (obj(b.resource)) {
      if (!b.resource.kind) errs.push(required([...path, 'resource', 'kind']));
      if (!b.resource.name) errs.push(required([...path, 'resource', 'name']));
    }
    return errs;
  }
  if (!hasService || !obj(b.service)) return [invalid(path, '', 'resource or service backend is required')];
  const svc = b.service;
  if (!svc.name) errs.push(required([...path, 'service', 'name']));
  else errs.push(...each([...path, 'service', 'name'], svc.name, isDNS1035Label(svc.name)));
  const port = obj(svc.port) ? svc.port : {};
  const hasName = !!port.name;
  const hasNumber = !!port.number;
  if (hasName && hasNumber) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (hasName) errs.push(...each([...path, 'service', 'port', 'name'], port.name, isValidPortName(port.name)));
  else if (hasNumber) errs.push(...each([...path, 'service', 'port', 'number'], port.number, isValidPortNum(port.number)));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validateIngress(ing: KObject): FieldError[] {
  const s = obj(ing.spec) ? ing.spec : {};
  const errs: FieldError[] = [];
  const rules = list(s.rules);
  if (!rules.length && s.defaultBackend === undefined) errs.push(invalid(['spec'], 'rules', 'either `defaultBackend` or `rules` must be specified'));
  if (s.defaultBackend !== undefined) errs.push(...validateBackend(s.defaultBackend, ['spec', 'defaultBackend']));
  rules.forEach((r, i) => {
    const p = ['spec', 'rules', i];
    if (!obj(r)) return;
    if (r.host) {
      const host = String(r.host);
      if (IPV4.test(host)) errs.push(invalid([...p, 'host'], host, 'must be a DNS name, not an IP address'));
      else {
        const name = host.startsWith('*.') ? host.slice(2) : host;
        const msgs = isDNS1123Subdomain(name);
        if (host.startsWith('*.') && msgs.length) {
          errs.push(invalid([...p, 'host'], host, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        } else errs.push(...each([...p, 'host'], host, msgs));
      }
    }
    if (r.http === undefined) return;
    const paths = obj(r.http) ? list(r.http.paths) : [];
    if (!paths.length) errs.push(required([...p, 'http', 'paths']));
    paths.forEach((hp, j) => {
      const pp = [...p, 'http', 'paths', j];
      if (!obj(hp)) return;
      if (!hp.pathType) errs.push(required([...pp, 'pathType'], 'pathType must be specified'));
      else if (!PATH_TYPES.includes(hp.pathType)) errs.push(notSupported([...pp, 'pathType'], hp.pathType, PATH_TYPES));
      if ((hp.pathType === 'Prefix' || hp.pathType === 'Exact') && !String(hp.path ?? '').startsWith('/')) {
        errs.push(invalid([...pp, 'path'], hp.path ?? '', 'must be an absolute path'));
      }
      errs.push(...validateBackend(hp.backend, [...pp, 'backend']));
    });
  });
  list(s.tls).forEach((t, i) => {
    if (!obj(t)) return;
    list(t.hosts).forEach((h, j) => {
      if (typeof h === 'string') errs.push(...each(['spec', 'tls', i, 'hosts', j], h, isDNS1123Subdomain(h.startsWith('*.') ? h.slice(2) : h)));
    });
  });
  return errs;
}

function defaultNetworkPolicy(np: KObject): void {
  const s = obj(np.spec) ? np.spec : (np.spec = {});
  if (!obj(s.podSelector)) s.podSelector = {};
  // Without policyTypes, a policy isolates ingress always, and egress when it has egress rules.
  if (!list(s.policyTypes).length) s.policyTypes = list(s.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const dir of ['ingress', 'egress']) {
    for (const r of list(s[dir])) for (const p of obj(r) ? list(r.ports) : []) if (obj(p)) p.protocol ||= 'TCP';
  }
}

function validateNetworkPolicy(np: KObject): FieldError[] {
  const s = obj(np.spec) ? np.spec : {};
  const errs = validateLabelSelector(s.podSelector, ['spec', 'podSelector']);
  list(s.policyTypes).forEach((t, i) => {
    if (!['Ingress', 'Egress'].includes(t)) errs.push(notSupported(['spec', 'policyTypes', i], t, ['Ingress', 'Egress']));
  });
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    list(s[dir]).forEach((r, i) => {
      if (!obj(r)) return;
      list(r.ports).forEach((p, j) => {
        if (!obj(p)) return;
        const pp = ['spec', dir, i, 'ports', j];
        if (p.protocol && !['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push(notSupported([...pp, 'protocol'], p.protocol, ['SCTP', 'TCP', 'UDP']));
        if (p.port !== undefined) errs.push(...validatePortNumOrName([...pp, 'port'], p.port));
        if (p.endPort !== undefined) {
          if (typeof p.port !== 'number') errs.push(required([...pp, 'port'], 'must be specified when endPort is specified'));
          else if (p.endPort < p.port) errs.push(invalid([...pp, 'endPort'], p.endPort, 'must be greater than or equal to `port`'));
        }
      });
      list(r[peers]).forEach((peer, j) => {
        if (!obj(peer)) return;
        const pp = ['spec', dir, i, peers, j];
        const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => peer[k] !== undefined);
        if (!kinds.length) errs.push(required(pp, 'must specify a peer'));
        if (peer.ipBlock !== undefined && kinds.length > 1) errs.push(forbidden(pp, 'may not specify both ipBlock and another peer'));
        errs.push(...validateLabelSelector(peer.podSelector, [...pp, 'podSelector']), ...validateLabelSelector(peer.namespaceSelector, [...pp, 'namespaceSelector']));
        if (obj(peer.ipBlock)) {
          const cidr = peer.ipBlock.cidr;
          if (!cidr) errs.push(required([...pp, 'ipBlock', 'cidr']));
          else if (!isCIDR(String(cidr))) errs.push(invalid([...pp, 'ipBlock', 'cidr'], cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
          list(peer.ipBlock.except).forEach((e, k) => {
            if (!isCIDR(String(e))) errs.push(invalid([...pp, 'ipBlock', 'except', k], e, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
          });
        }
      });
    });
  }
  return errs;
}

export const networkingPlugins: AdmissionPlugin[] = [
  { name: 'Ingress', kinds: ['Ingress'], validate: (i) => validateIngress(i) },
  { name: 'NetworkPolicy', kinds: ['NetworkPolicy'], default: (np) => defaultNetworkPolicy(np), validate: (np) => validateNetworkPolicy(np) },
];
