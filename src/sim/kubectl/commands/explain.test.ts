/** kubectl explain: the v3 plaintext layout, field paths, --recursive, errors. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';
import { explain, explainableKinds, wrapIndent } from './explain';

describe('kubectl explain', () => {
  it('explains a field: GROUP, KIND, VERSION, FIELD with its type, the description wrapped at 80 columns', () => {
    const c = createCluster({ nodes: 1 });
    const r = c.kubectl('kubectl explain deployment.spec.replicas');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'GROUP:      apps',
        'KIND:       Deployment',
        'VERSION:    v1',
        '',
        'FIELD: replicas <integer>',
        '',
        'DESCRIPTION:',
        '    Number of desired pods. This is a pointer to distinguish between explicit',
        '    zero and not specified. Defaults to 1.',
        '    ',
        '',
      ].join('\n'),
    );
  });

  it('explains a kind: its description and each field with type and description (core kinds have no GROUP)', () => {
    const lines = explain(['pods']).stdout.split('\n');
    expect(lines.slice(0, 12)).toEqual([
      'KIND:       Pod',
      'VERSION:    v1',
      '',
      'DESCRIPTION:',
      '    Pod is a collection of containers that can run on a host. This resource is',
      '    created by clients and scheduled onto hosts.',
      '    ',
      'FIELDS:',
      '  apiVersion\t<string>',
      '    APIVersion defines the versioned schema of this representation of an object.',
      '    Servers should convert recognized schemas to the latest internal value, and',
      '    may reject unrecognized values. More info:',
    ]);
    expect(lines).toContain('  metadata\t<ObjectMeta>');
    expect(lines).toContain('  spec\t<PodSpec>');
  });

  it('descends through objects and lists, marks required fields, and prints map and quantity types', () => {
    const spec = explain(['deploy.spec']).stdout;
    expect(spec).toContain('FIELD: spec <DeploymentSpec>\n\nDESCRIPTION:\n    Specification of the desired behavior of the Deployment.\n    DeploymentSpec is the specification of the desired behavior of the\n    Deployment.\n');
    expect(spec).toContain('\n  selector\t<LabelSelector> -required-\n');
    expect(spec).toContain('\n  template\t<PodTemplateSpec> -required-\n');
    expect(explain(['po.spec.containers']).stdout).toContain('FIELD: containers <[]Container>\n');
    expect(explain(['pod.spec.containers.resources', '--recursive']).stdout).toMatch(
      /FIELDS:\n {2}claims\t<\[\]ResourceClaim>\n {4}name\t<string> -required-\n {2}limits\t<map\[string\]Quantity>\n {2}requests\t<map\[string\]Quantity>\n$/,
    );
    expect(explain(['svc.spec.ports.targetPort']).stdout).toContain('FIELD: targetPort <IntOrString>\n');
    expect(explain(['pod.metadata.labels']).stdout).toContain('FIELD: labels <map[string]string>\n');
  });

  it('--recursive lists every nested field without descriptions', () => {
    const out = explain(['deployment', '--recursive']).stdout;
    expect(out).not.toContain('APIVersion defines');
    expect(out).toContain('\n  spec\t<DeploymentSpec>\n    minReadySeconds\t<integer>\n    paused\t<boolean>\n');
    expect(out).toContain('\n      spec\t<PodSpec>\n        activeDeadlineSeconds\t<integer>\n');
  });

  it('answers errors as kubectl does', () => {
    const c = createCluster({ nodes: 1 });
    expect(c.kubectl('explain deployment.spec.replica')).toEqual({ stdout: '', stderr: 'error: field "replica" does not exist\n', exitCode: 1 });
    expect(c.kubectl('explain deployment.spec.replicas.foo').stderr).toBe('error: field "foo" does not exist\n');
    expect(c.kubectl('explain gadgets').stderr).toBe('error: the server doesn\'t have a resource type "gadgets"\n');
    expect(c.kubectl('explain').stderr).toBe('error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n');
  });

  it('--api-version picks a served version (autoscaling/v1 HorizontalPodAutoscaler)', () => {
    expect(explain(['hpa.spec', '--api-version=autoscaling/v1']).stdout).toContain('  targetCPUUtilizationPercentage\t<integer>\n');
    expect(explain(['hpa.spec']).stdout).toContain('  metrics\t<[]MetricSpec>\n');
  });

  it('documents the kinds the workshops use, and wraps words without breaking them', () => {
    expect(explainableKinds()).toEqual(expect.arrayContaining(['Pod', 'Deployment', 'Service', 'StatefulSet', 'PersistentVolumeClaim', 'StorageClass', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy']));
    const pad = ' '.repeat(70);
    expect(wrapIndent('alpha beta gamma', 70)).toEqual([`${pad}alpha beta`, `${pad}gamma`]);
    expect(wrapIndent('a\n\nb', 4)).toEqual(['    a', '    ', '    b']);
  });
});
