import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../sim/index';
import { editorSchema, kindsOf } from './schema';
import { plainText, SNIPPETS } from './snippets';

const raw = JSON.parse(readFileSync(new URL('../../../public/schemas/kubernetes.json', import.meta.url), 'utf8'));

describe('editor schema', () => {
  it('picks one definition per apiVersion and kind', () => {
    const s = editorSchema(raw);
    const deployment = s.allOf.find((x: any) => x.if.properties.kind.const === 'Deployment');
    expect(deployment).toEqual({
      if: { properties: { apiVersion: { const: 'apps/v1' }, kind: { const: 'Deployment' } }, required: ['apiVersion', 'kind'] },
      then: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' },
    });
    expect(s.properties.kind.enum).toContain('HorizontalPodAutoscaler');
    expect(s.properties.apiVersion.enum).toContain('autoscaling/v1');
    expect(s.properties.apiVersion.enum).not.toContain('extensions/v1beta1');
    // Every referenced definition is there, with its doc comment for hover.
    for (const k of kindsOf(raw)) expect(s.definitions[k.definition]).toBeDefined();
    expect(s.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.replicas.description).toMatch(/Number of desired pods/);
  });
});

describe('snippets', () => {
  it('every snippet, with its defaults, applies cleanly', () => {
    const cluster = createCluster();
    const results = cluster.apply(SNIPPETS.map((s) => plainText(s.body)).join('---\n'));
    expect(results.map((r) => `${r.kind}:${r.error?.message ?? r.action}`)).toEqual(SNIPPETS.map((s) => `${s.kind}:created`));
  });
});
