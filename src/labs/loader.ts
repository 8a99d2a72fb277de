/**
 * Reading labs: a folder's files in (a map of name → text, from the disk in Node or from the bundle in
 * the page), a checked `Lab` out — or errors that name the file and the line, so that an instructor
 * who mistypes a key sees where. The rules here and `labs/lab.schema.json` describe the same format.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Action, Check, Lab, LabError, Step } from './types';
import { parseDuration } from './duration';

type Path = (string | number)[];

const LAB_KEYS = ['title', 'track', 'order', 'duration', 'summary', 'cluster', 'setup', 'steps'];
const STEP_KEYS = ['id', 'title', 'text', 'editor', 'onEnter', 'solution', 'checks'];
const ACTION_KEYS = ['apply', 'run', 'delete', 'killPod', 'failNode', 'startNode', 'wait', 'open'];
const PREDICATE_KEYS = ['exists', 'absent', 'field', 'pods', 'rollout', 'trace', 'event', 'kubectl'];
const COMPARISONS = ['equals', 'notEquals', 'contains', 'matches', 'gt', 'gte', 'lt', 'lte'];
const CLUSTER_KEYS = ['seed', 'nodes', 'addons', 'network', 'images'];
const OUTCOMES = ['delivered', 'dropped', 'refused', 'unreachable', 'nxdomain'];

/** Group a flat file map (`basics-01-pods/lab.yaml` → text) by lab folder and load every lab. */
export function loadLabs(files: Record<string, string>): { labs: Lab[]; errors: LabError[] } {
  const folders = new Map<string, Record<string, string>>();
  for (const [path, text] of Object.entries(files)) {
    const parts = path.replace(/^\.?\/?(labs\/)?/, '').split('/');
    if (parts.length !== 2) continue;
    const [folder, name] = parts;
    if (!folders.has(folder)) folders.set(folder, {});
    folders.get(folder)![name] = text;
  }
  const labs: Lab[] = [];
  const errors: LabError[] = [];
  for (const [folder, fs] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    if (!('lab.yaml' in fs)) continue;
    const r = loadLab(folder, fs);
    if ('lab' in r) labs.push(r.lab);
    else errors.push(...r.errors);
  }
  labs.sort((a, b) => a.track.localeCompare(b.track) || a.order - b.order || a.id.localeCompare(b.id));
  return { labs, errors };
}

/** Load one lab folder. */
export function loadLab(id: string, files: Record<string, string>): { lab: Lab } | { errors: LabError[] } {
  const file = `labs/${id}/lab.yaml`;
  const text = files['lab.yaml'];
  if (text === undefined) return { errors: [{ file, line: 1, column: 1, message: 'missing lab.yaml' }] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    return { errors: [{ file, ...pos(e.pos[0]), message: e.message.split('\n')[0] }] };
  }
  const errors: LabError[] = [];
  const err = (path: Path, message: string, key = false) => {
    errors.push({ file, ...positionOf(doc.contents as YamlNode | null, path, pos, key), message: `${pathString(path)}: ${message}` });
  };
  const raw = doc.toJS() as unknown;
  if (!isObject(raw)) return { errors: [{ file, line: 1, column: 1, message: 'lab.yaml must be a mapping (title, track, order, duration, cluster, setup, steps)' }] };

  const v = new Validator(err, files, id);
  v.keys(raw, [], LAB_KEYS);
  const title = v.string(raw, ['title'], true);
  const track = v.string(raw, ['track'], true);
  const order = v.number(raw, ['order'], true);
  const durationText = raw.duration;
  let duration = 0;
  if (typeof durationText === 'number') duration = durationText;
  else if (typeof durationText === 'string' && parseDuration(durationText) !== undefined) duration = Math.round(parseDuration(durationText)! / 60_000);
  else err(['duration'], `expected minutes or a duration such as "20m", got ${JSON.stringify(durationText)}`);
  const summary = v.string(raw, ['summary'], false) ?? '';
  const cluster = raw.cluster === undefined ? {} : raw.cluster;
  if (!isObject(cluster)) err(['cluster'], 'expected a mapping (a ClusterSpec: seed, nodes, addons, network, images)');
  else v.keys(cluster, ['cluster'], CLUSTER_KEYS);
  const setup = v.actions(raw.setup, ['setup']);
  const steps: Step[] = [];
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) err(['steps'], 'a lab needs a list of steps');
  else raw.steps.forEach((s, i) => {
    const step = v.step(s, ['steps', i]);
    if (step) steps.push(step);
  });
  const ids = new Set<string>();
  steps.forEach((s, i) => {
    if (ids.has(s.id)) err(['steps', i, 'id'], `duplicate step id "${s.id}"`);
    ids.add(s.id);
  });
  if (errors.length) return { errors };
  return {
    lab: { id, title: title!, track: track!, order: order!, duration, summary, cluster: (cluster ?? {}) as Lab['cluster'], setup, steps, files: { ...files } },
  };
}

class Validator {
  private errorsSeen = 0;
  private readonly err: (path: Path, message: string, key?: boolean) => void;

  constructor(
    report: (path: Path, message: string, key?: boolean) => void,
    private readonly files: Record<string, string>,
    private readonly lab: string,
  ) {
    this.err = (path, message, key) => {
      this.errorsSeen++;
      report(path, message, key);
    };
  }

  keys(o: Record<string, unknown>, path: Path, allowed: string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.err([...path, k], `unknown field "${k}" (expected one of: ${allowed.join(', ')})`, true);
  }

  string(o: Record<string, unknown>, path: Path, required: boolean): string | undefined {
    const v = o[path[path.length - 1] as string];
    if (v === undefined) {
      if (required) this.err(path.slice(0, -1).length ? path.slice(0, -1) : path, `missing required field "${path[path.length - 1]}"`);
      return undefined;
    }
    if (typeof v !== 'string' || !v.trim()) {
      this.err(path, `expected a non-empty string, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  number(o: Record<string, unknown>, path: Path, required: boolean): number | undefined {
    const v = o[path[path.length - 1] as string];
    if (v === undefined) {
      if (required) this.err(path.slice(0, -1).length ? path.slice(0, -1) : path, `missing required field "${path[path.length - 1]}"`);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.err(path, `expected a number, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  file(name: unknown, path: Path, ext?: RegExp): string | undefined {
    if (typeof name !== 'string' || !name) {
      this.err(path, `expected a file name, got ${JSON.stringify(name)}`);
      return undefined;
    }
    if (!(name in this.files)) {
      this.err(path, `no file "${name}" in labs/${this.lab}/`);
      return undefined;
    }
    if (ext && !ext.test(name)) this.err(path, `"${name}" should be a ${ext.source.replace(/[\\$()|]/g, ' ').trim()} file`);
    return name;
  }

  actions(list: unknown, path: Path): Action[] {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      this.err(path, 'expected a list of actions (apply, run, delete, killPod, failNode, startNode, wait, open)');
      return [];
    }
    const out: Action[] = [];
    list.forEach((a, i) => {
      const p = [...path, i];
      if (!isObject(a)) return this.err(p, `expected an action such as {apply: file.yaml}, got ${JSON.stringify(a)}`);
      const kinds = Object.keys(a).filter((k) => ACTION_KEYS.includes(k));
      if (kinds.length !== 1) return this.err(p, `an action has exactly one of: ${ACTION_KEYS.join(', ')}`);
      const kind = kinds[0];
      this.keys(a, p, [kind, ...(['apply', 'delete', 'killPod'].includes(kind) ? ['namespace'] : [])]);
      const v = a[kind];
      if (kind === 'wait') {
        const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? parseDuration(v) : undefined;
        if (ms === undefined || ms < 0) return this.err([...p, kind], `expected a duration such as "20s" or "2m", got ${JSON.stringify(v)}`);
        return void out.push({ wait: ms });
      }
      if (kind === 'apply' || kind === 'open') {
        if (!this.file(v, [...p, kind], /\.ya?ml$/)) return;
      } else if (typeof v !== 'string' || !v.trim()) return this.err([...p, kind], `expected a string, got ${JSON.stringify(v)}`);
      if (a.namespace !== undefined && typeof a.namespace !== 'string') return this.err([...p, 'namespace'], 'expected a namespace name');
      out.push(a as Action);
    });
    return out;
  }

  step(s: unknown, path: Path): Step | undefined {
    if (!isObject(s)) {
      this.err(path, 'expected a step (title, text, checks, solution)');
      return undefined;
    }
    this.keys(s, path, STEP_KEYS);
    const title = this.string(s, [...path, 'title'], true);
    const textFile = s.text === undefined ? (this.err(path, 'missing required field "text" (the step\'s markdown file)'), undefined) : this.file(s.text, [...path, 'text'], /\.md$/);
    const editor = s.editor === undefined ? undefined : this.file(s.editor, [...path, 'editor'], /\.ya?ml$/);
    const id = s.id === undefined ? String((path[path.length - 1] as number) + 1) : this.string(s, [...path, 'id'], true);
    if (id !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(id)) this.err([...path, 'id'], `step ids are lowercase words with dashes, got "${id}"`);
    const onEnter = this.actions(s.onEnter, [...path, 'onEnter']);
    const solution = this.actions(s.solution, [...path, 'solution']);
    if (!Array.isArray(s.solution) || !s.solution.length) this.err(s.solution === undefined ? path : [...path, 'solution'], 'a step needs a solution (the actions "Show me" runs)');
    const checks: Check[] = [];
    if (!Array.isArray(s.checks) || !s.checks.length) this.err(s.checks === undefined ? path : [...path, 'checks'], 'a step needs at least one check');
    else s.checks.forEach((c, i) => {
      const check = this.check(c, [...path, 'checks', i]);
      if (check) checks.push(check);
    });
    if (!title || !textFile || !id) return undefined;
    return { id, title, textFile, text: this.files[textFile], editor, onEnter, solution, checks };
  }

  check(c: unknown, path: Path): Check | undefined {
    if (!isObject(c)) {
      this.err(path, 'expected a check (message, hint and one predicate)');
      return undefined;
    }
    const kinds = Object.keys(c).filter((k) => PREDICATE_KEYS.includes(k));
    const message = this.string(c, [...path, 'message'], true);
    const hint = this.string(c, [...path, 'hint'], true);
    if (kinds.length !== 1) {
      this.err(path, `a check has exactly one predicate: ${PREDICATE_KEYS.join(', ')}`);
      return undefined;
    }
    const kind = kinds[0];
    this.keys(c, path, ['message', 'hint', kind, ...(['exists', 'absent', 'rollout'].includes(kind) ? ['namespace'] : [])]);
    const v = c[kind];
    const p = [...path, kind];
    const before = this.errorsSeen;
    switch (kind) {
      case 'exists':
      case 'absent':
      case 'rollout':
        if (typeof v !== 'string' || !/^[\w.-]+\/[^/\s]+(\/[^/\s]+)?$/.test(v)) this.err(p, `expected kind/name or kind/namespace/name, got ${JSON.stringify(v)}`);
        break;
      case 'field':
        if (!this.obj(v, p, ['ref', 'namespace', 'path', ...COMPARISONS])) break;
        this.need(v, p, ['ref', 'path']);
        if (COMPARISONS.filter((k) => k in v).length !== 1) this.err(p, `a field check compares with exactly one of: ${COMPARISONS.join(', ')}`);
        if (typeof v.matches === 'string') this.regex(v.matches, [...p, 'matches']);
        break;
      case 'pods':
        if (!this.obj(v, p, ['selector', 'namespace', 'count', 'min', 'ready', 'phase'])) break;
        this.need(v, p, ['selector']);
        if (v.count === undefined && v.min === undefined) this.err(p, 'say how many pods: count (exactly) or min (at least)');
        if (v.ready === undefined && v.phase === undefined) this.err(p, 'say what the pods must be: ready: true or phase: Running');
        break;
      case 'trace':
        if (!this.obj(v, p, ['from', 'to', 'port', 'protocol', 'outcome', 'servedBy', 'bodyContains'])) break;
        this.need(v, p, ['from', 'to', 'outcome']);
        if (typeof v.outcome === 'string' && !OUTCOMES.includes(v.outcome)) this.err([...p, 'outcome'], `expected one of: ${OUTCOMES.join(', ')}`);
        break;
      case 'event':
        if (!this.obj(v, p, ['reason', 'object', 'namespace', 'type'])) break;
        this.need(v, p, ['reason']);
        break;
      case 'kubectl':
        if (!this.obj(v, p, ['command', 'contains', 'notContains', 'matches', 'exitCode'])) break;
        this.need(v, p, ['command']);
        if (['contains', 'notContains', 'matches', 'exitCode'].every((k) => !(k in v))) this.err(p, 'say what the output must show: contains, notContains, matches or exitCode');
        if (typeof v.matches === 'string') this.regex(v.matches, [...p, 'matches']);
        break;
    }
    if (this.errorsSeen !== before || !message || !hint) return undefined;
    return c as Check;
  }

  private obj(v: unknown, path: Path, allowed: string[]): v is Record<string, unknown> {
    if (!isObject(v)) {
      this.err(path, `expected a mapping with: ${allowed.join(', ')}`);
      return false;
    }
    const before = this.errorsSeen;
    for (const k of Object.keys(v)) if (!allowed.includes(k)) (this.err([...path, k], `unknown field "${k}" (expected one of: ${allowed.join(', ')})`, true));
    return before === this.errorsSeen;
  }

  private need(v: Record<string, unknown>, path: Path, keys: string[]): void {
    for (const k of keys) if (v[k] === undefined || v[k] === '') (this.err(path, `missing required field "${k}"`));
  }

  private regex(src: string, path: Path): void {
    try {
      new RegExp(src);
    } catch (e) {
      this.err(path, `not a regular expression: ${(e as Error).message}`);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pathString(path: Path): string {
  if (!path.length) return 'lab';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

/** Where a path is written: the deepest node that exists (the key itself for an unknown key). */
function positionOf(root: YamlNode | null, path: Path, pos: (o: number) => { line: number; column: number }, key: boolean) {
  let node: unknown = root;
  let best = { line: 1, column: 1 };
  if (root?.range) best = pos(root.range[0]);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const k = pair.key as YamlNode;
      const val = pair.value as YamlNode | null;
      // Point at the value when there is one (a wrong value), at the key for a key that should not be there.
      best = pos((i === path.length - 1 && !key && val?.range ? val.range[0] : k.range?.[0]) ?? 0);
      node = val;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item?.range) break;
      best = pos(item.range[0]);
      node = item;
    } else break;
  }
  return best;
}
