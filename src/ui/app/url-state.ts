/** Deep links: `?presenter=1&ns=default&speed=2&fresh=1`, and a lab step: `&lab=basics-03-replicasets&step=2`. */

export type UrlState = { presenter: boolean; namespace?: string; speed?: number; fresh: boolean; showSystem?: boolean; lab?: string; step?: number };

export function readUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const speed = q.get('speed');
  const n = speed === null ? undefined : Number(speed);
  return {
    presenter: q.get('presenter') === '1',
    namespace: q.get('ns') ?? undefined,
    speed: n !== undefined && Number.isFinite(n) && n >= 0 && n <= 20 ? n : undefined,
    fresh: q.get('fresh') === '1',
    showSystem: q.has('system') ? q.get('system') === '1' : undefined,
    lab: q.get('lab') || undefined,
    step: q.has('step') && Number(q.get('step')) >= 1 ? Math.floor(Number(q.get('step'))) : undefined,
  };
}

/** The query with the open lab and its 1-based step (or neither), other parameters kept. */
export function writeLabState(lab: string | undefined, step: number, base: string): string {
  const q = new URLSearchParams(base);
  if (lab) {
    q.set('lab', lab);
    q.set('step', String(step));
  } else {
    q.delete('lab');
    q.delete('step');
  }
  const str = q.toString();
  return str ? `?${str}` : '';
}

export function writeUrlState(s: { presenter: boolean; namespace: string }, base: string): string {
  const q = new URLSearchParams(base);
  if (s.presenter) q.set('presenter', '1');
  else q.delete('presenter');
  if (s.namespace) q.set('ns', s.namespace);
  else q.delete('ns');
  q.delete('fresh');
  const str = q.toString();
  return str ? `?${str}` : '';
}
