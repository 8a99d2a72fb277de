/**
 * Colours: one per workload (pods of a Deployment share a colour), from a palette that stays
 * distinguishable for colour-blind viewers (Okabe–Ito first). Colour is never the only cue: status is
 * also an icon, and names are written.
 */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#6C8EBF', '#8C6D31', '#B279A2', '#4E9A06', '#A05195', '#2F4B7C'];

export function colorFor(key: string): string {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}

export type Health = 'ready' | 'progress' | 'failing' | 'done' | 'terminating' | 'pending';

/** A pod's health for the ring and the icon, from its kubectl STATUS. */
export function podHealth(p: { status: string; ready: boolean; terminating: boolean; node?: string; phase: string }): Health {
  if (p.terminating) return 'terminating';
  if (p.phase === 'Succeeded' || p.status === 'Completed') return 'done';
  if (/BackOff|Err|Error|OOM|Failed|Invalid|Unknown|ContainerCannotRun|CreateContainer/.test(p.status)) return 'failing';
  if (!p.node) return 'pending';
  if (p.ready) return 'ready';
  return 'progress';
}

export const HEALTH_ICON: Record<Health, string> = {
  ready: '✓',
  progress: '…',
  failing: '!',
  done: '✔',
  terminating: '×',
  pending: '?',
};

export const HEALTH_COLOR: Record<Health, string> = {
  ready: 'var(--ok)',
  progress: 'var(--warn)',
  failing: 'var(--bad)',
  done: 'var(--muted)',
  terminating: 'var(--muted)',
  pending: 'var(--warn)',
};
