/**
 * Label and field selectors: the `LabelSelector` objects in specs (matchLabels, matchExpressions)
 * and the string form kubectl takes (`app=web,tier!=db,env in (a,b),!legacy`).
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1';

export type Requirement = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; values: string[] };

/** A parsed selector: all requirements must hold. An empty list matches everything. */
export type Selector = { requirements: Requirement[]; matchesNothing?: boolean };

export const EVERYTHING: Selector = { requirements: [] };
export const NOTHING: Selector = { requirements: [], matchesNothing: true };

/** Whether two label sets are equal (no labels and an empty set are the same). Cheap: no arrays. */
export function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  let n = 0;
  if (a) {
    for (const k in a) {
      if (b?.[k] !== a[k]) return false;
      n++;
    }
  }
  if (b) for (const _ in b) n--;
  return n === 0;
}

export function matches(sel: Selector, labels: Record<string, string> | undefined): boolean {
  if (sel.matchesNothing) return false;
  const l = labels ?? {};
  for (const r of sel.requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(v)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'Gt':
      case 'Lt': {
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (!has || !Number.isInteger(n) || !(r.operator === 'Gt' ? n > bound : n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

/**
 * A `LabelSelector` from a spec. As in Kubernetes, a nil selector matches nothing and an empty one
 * matches everything (for the workload controllers; Services use `selectorFromMap`).
 */
export function fromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return NOTHING;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key, operator: 'In', values: [String(value)] });
  for (const e of ls.matchExpressions ?? []) {
    reqs.push({ key: e.key, operator: e.operator as Requirement['operator'], values: (e.values ?? []).map(String) });
  }
  return { requirements: reqs };
}

/** A Service-style map selector: nil or empty selects nothing. */
export function selectorFromMap(map: Record<string, string> | null | undefined): Selector {
  if (!map || !Object.keys(map).length) return NOTHING;
  return { requirements: Object.entries(map).map(([key, v]) => ({ key, operator: 'In' as const, values: [String(v)] })) };
}

export function labelSelectorMatches(ls: LabelSelector | null | undefined, labels: Record<string, string> | undefined): boolean {
  return matches(fromLabelSelector(ls), labels);
}

/** The selector as kubectl prints it: `app=web,tier in (a,b)`. */
export function formatSelector(ls: LabelSelector | null | undefined): string {
  if (!ls) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of ls.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

export class SelectorParseError extends Error {}

/** Parse kubectl's `-l` syntax. Throws SelectorParseError with kubectl's wording on bad input. */
export function parseSelector(text: string): Selector {
  const s = text.trim();
  if (!s) return EVERYTHING;
  const reqs: Requirement[] = [];
  let i = 0;
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const readKey = () => {
    skipWs();
    const start = i;
    while (i < s.length && /[A-Za-z0-9._\-/]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  const readValue = () => {
    skipWs();
    const start = i;
    while (i < s.length && /[A-Za-z0-9._-]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    const key = readKey();
    if (!key) throw new SelectorParseError(`unable to parse requirement: found '${s[i] ?? ''}', expected: identifier`);
    skipWs();
    if (negate) {
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else if (s.startsWith('!=', i)) {
      i += 2;
      reqs.push({ key, operator: 'NotIn', values: [readValue()] });
    } else if (s.startsWith('==', i)) {
      i += 2;
      reqs.push({ key, operator: 'In', values: [readValue()] });
    } else if (s[i] === '=') {
      i++;
      reqs.push({ key, operator: 'In', values: [readValue()] });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'Gt' : 'Lt';
      i++;
      reqs.push({ key, operator: op, values: [readValue()] });
    } else if (/^(in|notin)\s*\(/.test(s.slice(i))) {
      const op = s.startsWith('notin', i) ? 'NotIn' : 'In';
      i = s.indexOf('(', i) + 1;
      const close = s.indexOf(')', i);
      if (close < 0) throw new SelectorParseError(`unable to parse requirement: found '', expected: )`);
      const values = s
        .slice(i, close)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      i = close + 1;
      reqs.push({ key, operator: op, values });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ key, operator: 'Exists', values: [] });
    } else {
      throw new SelectorParseError(`unable to parse requirement: found '${s[i]}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') throw new SelectorParseError(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return { requirements: reqs };
}

/** Field selectors (`metadata.name=x`, `spec.nodeName=node-1`, `status.phase!=Running`). */
export function parseFieldSelector(text: string): (obj: any) => boolean {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^([A-Za-z0-9.]+)\s*(==|!=|=)\s*(.*)$/.exec(p);
      if (!m) throw new SelectorParseError(`invalid selector: '${text}'; can't understand '${p}'`);
      return { path: m[1], negate: m[2] === '!=', value: m[3] };
    });
  return (obj) =>
    parts.every(({ path, negate, value }) => {
      let v: any = obj;
      for (const seg of path.split('.')) v = v?.[seg];
      const equal = String(v ?? '') === value;
      return negate ? !equal : equal;
    });
}
