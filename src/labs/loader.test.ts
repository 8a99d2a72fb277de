import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab, loadLabs } from './loader';
import { parseDuration } from './duration';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a, image: web:1}]}\n';
const LAB = `title: A lab
track: Test
order: 1
duration: 10m
steps:
  - title: Create it
    text: 01.md
    editor: pod.yaml
    solution:
      - apply: pod.yaml
      - wait: 20s
    checks:
      - message: a exists
        hint: apply it
        exists: pod/a
`;

function lab(text: string, extra: Record<string, string> = {}) {
  return loadLab('test-01-x', { 'lab.yaml': text, '01.md': '# One', 'pod.yaml': POD, ...extra });
}

describe('loadLab', () => {
  it('reads metadata, steps, actions (durations in ms) and checks', () => {
    const r = lab(LAB);
    if (!('lab' in r)) throw new Error(JSON.stringify(r.errors));
    expect(r.lab).toMatchObject({ id: 'test-01-x', title: 'A lab', track: 'Test', order: 1, duration: 10, cluster: {}, setup: [] });
    expect(r.lab.steps).toEqual([
      {
        id: '1',
        title: 'Create it',
        textFile: '01.md',
        text: '# One',
        editor: 'pod.yaml',
        onEnter: [],
        solution: [{ apply: 'pod.yaml' }, { wait: 20_000 }],
        checks: [{ message: 'a exists', hint: 'apply it', exists: 'pod/a' }],
      },
    ]);
  });

  it('names the file, line and column of an unknown key', () => {
    const r = lab(LAB.replace('    editor: pod.yaml', '    edtor: pod.yaml'));
    expect(r).toEqual({
      errors: [{ file: 'labs/test-01-x/lab.yaml', line: 8, column: 5, message: 'steps[0].edtor: unknown field "edtor" (expected one of: id, title, text, editor, onEnter, solution, checks)' }],
    });
  });

  it('points at a missing file, a bad duration and a check without a predicate', () => {
    const r = lab(LAB.replace('apply: pod.yaml', 'apply: pods.yaml').replace('wait: 20s', 'wait: soon').replace('        exists: pod/a\n', ''));
    expect('errors' in r && r.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '10:16 steps[0].solution[0].apply: no file "pods.yaml" in labs/test-01-x/',
      '11:15 steps[0].solution[1].wait: expected a duration such as "20s" or "2m", got "soon"',
      '13:9 steps[0].checks[0]: a check has exactly one predicate: exists, absent, field, pods, rollout, trace, event, kubectl',
    ]);
  });

  it('reports YAML syntax errors at their line', () => {
    const r = lab(LAB.replace('        hint: apply it', '        hint: apply: it'));
    expect('errors' in r && r.errors[0]).toMatchObject({ file: 'labs/test-01-x/lab.yaml', line: 14 });
  });

  it('wants a solution, a check, a message and a hint on every step', () => {
    const r = lab('title: T\ntrack: T\norder: 1\nduration: 5\nsteps:\n  - title: S\n    text: 01.md\n    checks:\n      - exists: pod/a\n        message: m\n');
    expect('errors' in r && r.errors.map((e) => e.message)).toEqual([
      'steps[0]: a step needs a solution (the actions "Show me" runs)',
      'steps[0].checks[0]: missing required field "hint"',
    ]);
  });

  it('rejects a field check with no comparison and a bad regular expression', () => {
    const text = LAB.replace('exists: pod/a', 'field: { ref: pod/a, path: .spec }\n      - message: y\n        hint: z\n        kubectl: { command: kubectl get po, matches: "(" }');
    const r = lab(text);
    expect('errors' in r && r.errors.map((e) => e.message)).toEqual([
      'steps[0].checks[0].field: a field check compares with exactly one of: equals, notEquals, contains, matches, gt, gte, lt, lte',
      'steps[0].checks[1].kubectl.matches: not a regular expression: Invalid regular expression: /(/: Unterminated group',
    ]);
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m, h and combinations', () => {
    expect(['500ms', '20s', '2m', '1h', '1m30s', '', '5', 'soon'].map(parseDuration)).toEqual([500, 20_000, 120_000, 3_600_000, 90_000, undefined, undefined, undefined]);
  });
});

describe('the labs folder', () => {
  it('every lab loads without errors, and the basics track has 8 labs of at least 3 steps', () => {
    const root = join(import.meta.dirname, '..', '..', 'labs');
    const files: Record<string, string> = {};
    for (const d of readdirSync(root)) {
      if (!statSync(join(root, d)).isDirectory()) continue;
      for (const f of readdirSync(join(root, d))) files[`${d}/${f}`] = readFileSync(join(root, d, f), 'utf8');
    }
    const { labs, errors } = loadLabs(files);
    expect(errors).toEqual([]);
    const basics = labs.filter((l) => l.track === 'Kubernetes basics');
    expect(basics.map((l) => l.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const l of basics) expect(l.steps.length).toBeGreaterThanOrEqual(3);
  });
});
