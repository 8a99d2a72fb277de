import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';
import { cronScheduleErrors } from './cron';
import { isDNS1123Subdomain, isQualifiedName, isValidPortName } from './validation';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Apply one document to a fresh cluster; its error message and line. */
function reject(yaml: string): { message?: string; line?: number } {
  const c = createCluster();
  const [r] = c.apply(yaml);
  return { message: r.error?.message, line: r.error?.line };
}
const pod = (name: string, spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const deploy = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec}`;
const TEMPLATE = `  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: a, image: nginx}]\n`;

describe('validation messages', () => {
  it('names: DNS subdomain for most kinds, DNS-1035 for Services, DNS label for Namespaces', () => {
    expect(reject(pod('Web', '  containers: [{name: a, image: nginx}]\n'))).toEqual({
      message: `Error from server (Invalid): The Pod "Web" is invalid: metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}`,
      line: 4,
    });
    expect(reject(`apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec:\n  ports: [{port: 80}]\n`).message).toBe(
      `Error from server (Invalid): The Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(reject(`apiVersion: v1\nkind: Namespace\nmetadata: {name: team.a}\n`).message).toBe(
      `Error from server (Invalid): The Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(isDNS1123Subdomain('a'.repeat(254))[0]).toBe('must be no more than 253 characters');
  });

  it('labels: qualified keys and label values, pointing at the key\'s line', () => {
    expect(reject(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    ok: fine\n    "bad key": "x y"\n`)).toEqual({
      message:
        `Error from server (Invalid): The ConfigMap "c" is invalid: [metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), ` +
        `metadata.labels: Invalid value: "x y": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]`,
      line: 7,
    });
    expect(isQualifiedName(`example.com/${'x'.repeat(64)}`)).toEqual(['name part must be no more than 63 characters']);
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  });

  it('Pod: containers, names, images, ports, resources, restart policy, probes, grace period', () => {
    const m = (spec: string) => reject(pod('p', spec)).message?.replace('Error from server (Invalid): The Pod "p" is invalid: ', '');
    expect(m('  containers: []\n')).toBe('spec.containers: Required value');
    expect(m('  containers: [{name: a, image: nginx}, {name: a}]\n')).toBe('[spec.containers[1].image: Required value, spec.containers[1].name: Duplicate value: "a"]');
    expect(m('  containers: [{name: a, image: nginx, ports: [{containerPort: 99999, name: http}, {containerPort: 81, name: http}]}]\n')).toBe(
      '[spec.containers[0].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive, spec.containers[0].ports[1].name: Duplicate value: "http"]',
    );
    expect(m('  containers: [{name: a, image: nginx, resources: {requests: {cpu: 1}, limits: {cpu: 500m}}}]\n')).toBe(
      'spec.containers[0].resources.requests[cpu]: Invalid value: "1": must be less than or equal to cpu limit of 500m',
    );
    expect(m('  restartPolicy: Sometimes\n  containers: [{name: a, image: nginx}]\n')).toBe('spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
    expect(m('  terminationGracePeriodSeconds: -1\n  containers: [{name: a, image: nginx, livenessProbe: {httpGet: {port: 80}, exec: {command: [x]}}, readinessProbe: {}}]\n')).toBe(
      '[spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type, spec.containers[0].readinessProbe: Required value: must specify a handler type, spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0]',
    );
    expect(m('  containers: [{name: a, image: nginx, volumeMounts: [{name: data, mountPath: /d}], env: [{name: 1X, value: v}]}]\n  volumes: [{name: v, emptyDir: {}}, {name: v, configMap: {name: c}}]\n')).toBe(
      `[spec.volumes[1].name: Duplicate value: "v", spec.containers[0].env[0].name: Invalid value: "1X": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*'), spec.containers[0].volumeMounts[0].name: Not found: "data"]`,
    );
    expect(m('  containers: [{name: a, image: nginx}]\n  tolerations: [{key: k, operator: Exists, value: v, effect: NoRun}]\n')).toBe(
      `[spec.tolerations[0].operator: Invalid value: "v": value must be empty when \`operator\` is 'Exists', spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"]`,
    );
  });

  it('Pod updates may change only the image and a few fields', () => {
    const c = createCluster();
    const p = pod('p', '  containers: [{name: a, image: "nginx:1.24"}]\n');
    c.apply(p);
    expect(c.apply(p.replace('1.24', '1.25'))[0].action).toBe('configured');
    const [r] = c.apply(p.replace('containers:', 'hostNetwork: true\n  containers:'));
    expect(r.error!.message).toBe(
      'Error from server (Invalid): The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  });

  it('Deployment: selector required and matching, replicas, template restart policy, maxSurge/maxUnavailable', () => {
    expect(reject(deploy(TEMPLATE)).message).toBe(
      'Error from server (Invalid): The Deployment "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    );
    const bad = deploy(`  replicas: -1\n  selector: {matchLabels: {app: web}}\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n${TEMPLATE.replace('    spec:\n', '    spec:\n      restartPolicy: Never\n')}`);
    expect(reject(bad)).toEqual({
      message:
        'Error from server (Invalid): The Deployment "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always", spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0]',
      line: 6,
    });
    expect(reject(deploy(`  selector: {matchLabels: {app: web}}\n  strategy: {rollingUpdate: {maxSurge: "25"}}\n${TEMPLATE}`)).message).toBe(
      `Error from server (Invalid): The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: "25": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    );
  });

  it('Deployment selectors are immutable', () => {
    const c = createCluster();
    const d = deploy(`  selector: {matchLabels: {app: web}}\n${TEMPLATE}`);
    expect(c.apply(d)[0].action).toBe('created');
    const [r] = c.apply(d.replace('{app: web}}\n', '{app: web, tier: fe}}\n').replace('labels: {app: web}', 'labels: {app: web, tier: fe}'));
    expect(r.error!.message).toBe(
      'Error from server (Invalid): The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('Service: type, ports, names for several ports, targetPort', () => {
    expect(reject(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: Public\n  ports: [{port: 80, targetPort: http_port}]\n`).message).toBe(
      'Error from server (Invalid): The Service "s" is invalid: [spec.type: Unsupported value: "Public": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", spec.ports[0].targetPort: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)]',
    );
    expect(reject(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}, {port: 443}]\n`).message).toBe(
      'Error from server (Invalid): The Service "s" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
    );
    expect(reject(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: s}\n`).message).toBe('Error from server (Invalid): The Service "s" is invalid: spec.ports: Required value');
    expect(reject(`apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  clusterIP: None\n  selector: {app: s}\n`).message).toBeUndefined();
  });

  it('Jobs, CronJobs, HPAs, Ingresses, ConfigMaps', () => {
    expect(reject(`apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: busybox}]\n`).message).toBe(
      'Error from server (Invalid): The Job "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
    const cj = (schedule: string) =>
      reject(`apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  schedule: "${schedule}"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: a, image: busybox}]\n`).message;
    expect(cj('61 * * * *')).toBe('Error from server (Invalid): The CronJob "cj" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
    expect(cj('*/5 * * * *')).toBeUndefined();
    const hpa = (min: number, max: number) =>
      reject(`apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  minReplicas: ${min}\n  maxReplicas: ${max}\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n`).message;
    expect(hpa(0, 5)).toBe('Error from server (Invalid): The HorizontalPodAutoscaler "h" is invalid: spec.minReplicas: Invalid value: 0: must be greater than or equal to 1');
    expect(hpa(3, 2)).toBe('Error from server (Invalid): The HorizontalPodAutoscaler "h" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
    expect(reject(`apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n  - host: foo.bar.com\n    http:\n      paths:\n      - path: /foo\n        backend: {service: {name: foo, port: {number: 80}}}\n`)).toEqual({
      message: 'Error from server (Invalid): The Ingress "i" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
      line: 9,
    });
    expect(reject(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {"bad key": x}\n`).message).toBe(
      `Error from server (Invalid): The ConfigMap "cm" is invalid: data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
  });

  it('cron schedules and port names, as the API server words them', () => {
    expect(cronScheduleErrors('bad')).toBe('expected exactly 5 fields, found 1: [bad]');
    expect(cronScheduleErrors('* * * * 7')).toBe('end of range (7) above maximum (6): 7');
    expect(cronScheduleErrors('x * * * *')).toBe('failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    expect(cronScheduleErrors('@hourly')).toBeUndefined();
    expect(cronScheduleErrors('0 9 * JAN-MAR MON-FRI')).toBeUndefined();
    expect(cronScheduleErrors('CRON_TZ=UTC 0 * * * *')).toBe('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
    expect(isValidPortName('http-alt-very-long')).toEqual(['must be no more than 15 characters']);
    expect(isValidPortName('80')).toEqual(['must contain at least one letter (a-z)']);
  });
});

describe('pod spec validation after a valid pod', () => {
  it('still finds what is wrong in a spec that differs from the last valid one by one member', () => {
    const c = createCluster();
    const [ok] = c.apply(pod('a', '  containers: [{name: a, image: nginx}]\n'));
    expect(ok.error).toBeUndefined();
    const [again] = c.apply(pod('b', '  containers: [{name: a, image: nginx}]\n'));
    expect(again.error).toBeUndefined();
    const [bad] = c.apply(pod('c', '  containers: [{name: a, image: nginx}]\n  restartPolicy: Sometimes\n'));
    expect(bad.error?.message).toBe(
      'Error from server (Invalid): The Pod "c" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    );
  });
});

describe('remembered valid strings', () => {
  it('reports an invalid label or generateName every time, after the same valid ones were accepted', () => {
    const c = createCluster();
    const api = c.ctx.api;
    const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'web-', namespace: 'default', labels: { app: 'web' } } };
    for (let i = 0; i < 3; i++) expect(api.create(ok).metadata.labels).toEqual({ app: 'web' });
    for (let i = 0; i < 2; i++) {
      expect(() => api.create({ ...ok, metadata: { ...ok.metadata, labels: { app: 'web', tier: 'x y' } } })).toThrow('metadata.labels: Invalid value: "x y"');
      expect(() => api.create({ ...ok, metadata: { ...ok.metadata, generateName: 'Web-' } })).toThrow('metadata.generateName: Invalid value: "Web-"');
    }
  });
});
