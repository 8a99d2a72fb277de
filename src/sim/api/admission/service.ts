/**
 * Service defaults (SetDefaults_Service and the registry's IP family defaults) and validation
 * (ValidateService). Allocating clusterIPs and nodePorts, and checking them (range, immutability,
 * conflicts), belongs to the networking layer (network/service-alloc.ts).
 */
import type { KObject } from '../types';
import { isPlainObject } from '../json';
import type { AdmissionPlugin } from './registry';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from './field-errors';
import { each, isDNS1123Label, isDNS1123Subdomain, isValidPortNum, validateLabels, validatePortNumOrName } from './validation';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function defaultService(svc: KObject): void {
  const s = obj(svc.spec) ? svc.spec : (svc.spec = {});
  s.type ||= 'ClusterIP';
  s.sessionAffinity ||= 'None';
  if (s.sessionAffinity === 'ClientIP') {
    if (!obj(s.sessionAffinityConfig)) s.sessionAffinityConfig = {};
    if (!obj(s.sessionAffinityConfig.clientIP)) s.sessionAffinityConfig.clientIP = {};
    s.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of list(s.ports)) {
    if (!obj(p)) continue;
    p.protocol ||= 'TCP';
    // No targetPort (or 0): the pods listen on the service's own port.
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (s.type === 'NodePort' || s.type === 'LoadBalancer') s.externalTrafficPolicy ||= 'Cluster';
  if (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts === undefined) s.allocateLoadBalancerNodePorts = true;
  if (s.type !== 'ExternalName') {
    s.internalTrafficPolicy ||= 'Cluster';
    // Single-stack IPv4 cluster: every service that gets IPs is IPv4 only.
    s.ipFamilyPolicy ||= 'SingleStack';
    if (!list(s.ipFamilies).length) s.ipFamilies = ['IPv4'];
  }
}

function validateService(svc: KObject): FieldError[] {
  const s = obj(svc.spec) ? svc.spec : {};
  const errs: FieldError[] = [];
  const type = s.type;
  if (!TYPES.includes(type)) errs.push(notSupported(['spec', 'type'], type, TYPES));
  const headless = s.clusterIP === 'None';
  const ports = list(s.ports);
  if (type === 'ExternalName') {
    if (!s.externalName) errs.push(required(['spec', 'externalName']));
    else errs.push(...each(['spec', 'externalName'], s.externalName, isDNS1123Subdomain(String(s.externalName).replace(/\.$/, ''))));
  } else if (!ports.length && !headless) {
    errs.push(required(['spec', 'ports']));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = ['spec', 'ports', i];
    if (!obj(p)) return;
    if (ports.length > 1 && !p.name) errs.push(required([...pp, 'name']));
    else if (p.name) {
      errs.push(...each([...pp, 'name'], p.name, isDNS1123Label(p.name)));
      if (names.has(p.name)) errs.push(duplicate([...pp, 'name'], p.name));
      names.add(p.name);
    }
    if (p.port === undefined || p.port === 0) errs.push(required([...pp, 'port']));
    else errs.push(...each([...pp, 'port'], p.port, isValidPortNum(p.port)));
    if (p.protocol && !PROTOCOLS.includes(p.protocol)) errs.push(notSupported([...pp, 'protocol'], p.protocol, PROTOCOLS));
    if (p.targetPort !== undefined) errs.push(...validatePortNumOrName([...pp, 'targetPort'], p.targetPort));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      // The range and uniqueness of node ports are the allocator's (network/service-alloc.ts).
      if (type === 'ClusterIP' || type === 'ExternalName') errs.push(forbidden([...pp, 'nodePort'], `may not be used when \`type\` is '${type}'`));
    }
  });
  // The same port and protocol twice would be one rule.
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!obj(p)) return;
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(key)) errs.push(duplicate(['spec', 'ports', i], `${p.port}/${p.protocol ?? 'TCP'}`));
    seen.add(key);
  });
  if (s.sessionAffinity !== undefined && !['ClientIP', 'None'].includes(s.sessionAffinity)) errs.push(notSupported(['spec', 'sessionAffinity'], s.sessionAffinity, ['ClientIP', 'None']));
  for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy']) {
    if (s[f] !== undefined && !['Cluster', 'Local'].includes(s[f])) errs.push(notSupported(['spec', f], s[f], ['Cluster', 'Local']));
  }
  if (s.externalTrafficPolicy !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
    errs.push(invalid(['spec', 'externalTrafficPolicy'], s.externalTrafficPolicy, 'may only be set when `type` is \'NodePort\' or \'LoadBalancer\''));
  }
  if (obj(s.selector)) errs.push(...validateLabels(s.selector, ['spec', 'selector']));
  return errs;
}

export const servicePlugin: AdmissionPlugin = {
  name: 'Service',
  kinds: ['Service'],
  default: (svc) => defaultService(svc),
  validate: (svc) => validateService(svc),
};
