import { describe, expect, it } from 'vitest';
import { parseManifests } from './yaml';

const TWO = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: a
        image: nginx
---
apiVersion: v1
kind: Pod
metadata: {name: p}
`;

describe('parseManifests', () => {
  it('parses every document and finds field positions', () => {
    const docs = parseManifests(TWO);
    expect(docs).toHaveLength(2);
    expect((docs[0].value as any).spec.replicas).toBe(3);
    expect(docs[0].positionOf(['spec', 'replicas'])).toEqual({ line: 6, column: 3 });
    expect(docs[0].positionOf(['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({ line: 11, column: 9 });
    // A missing field points at its deepest existing ancestor.
    expect(docs[0].positionOf(['spec', 'selector'])).toEqual({ line: 5, column: 1 });
    expect(docs[1].start.line).toBe(13);
    expect(docs[1].positionOf(['metadata', 'name'])).toEqual({ line: 15, column: 12 });
  });

  it('a broken document reports its line and does not lose the others', () => {
    const docs = parseManifests(`kind: Pod\nmetadata:\n  name: a\n   bad: indent\n---\nkind: Pod\nmetadata: {name: b}\n`);
    expect(docs).toHaveLength(2);
    expect(docs[0].error?.line).toBe(3);
    expect(docs[0].error?.message).toMatch(/^error converting YAML to JSON: yaml: line 3: /);
    expect((docs[1].value as any).metadata.name).toBe('b');
  });

  it('skips empty documents and reads YAML 1.1 booleans as kubectl does', () => {
    const docs = parseManifests(`---\n# nothing\n---\na: yes\n---\n`);
    expect(docs).toHaveLength(1);
    expect(docs[0].value).toEqual({ a: true });
  });

  it('rejects duplicate keys and alias bombs', () => {
    expect(parseManifests(`a: 1\na: 2\n`)[0].error?.line).toBe(2);
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`;
    expect(parseManifests(bomb)[0].error).toBeDefined();
  });
});
