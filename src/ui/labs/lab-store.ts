/**
 * The runner's state: which lab and step are open, and each lab's progress (the furthest step
 * reached, the steps done, when the current step began in simulated time). Progress is saved in
 * localStorage; the lab and step are also in the URL (`?lab=basics-03-replicasets&step=2`).
 */
import { create } from 'zustand';
import { readUrlState } from '../app/url-state';

export type LabProgress = { step: number; done: string[]; since: number; started: boolean };

type LabsState = {
  open: boolean;
  lab?: string;
  step: number;
  progress: Record<string, LabProgress>;
  setOpen(open: boolean): void;
  openLab(id: string | undefined, step?: number): void;
  setStep(step: number, since: number): void;
  markDone(lab: string, stepId: string): void;
  start(lab: string, since: number): void;
};

const KEY = 'podium-labs';

function saved(): Pick<LabsState, 'progress' | 'lab' | 'step' | 'open'> {
  try {
    const s = typeof localStorage !== 'undefined' ? JSON.parse(localStorage.getItem(KEY) ?? '{}') : {};
    return { progress: s.progress && typeof s.progress === 'object' ? s.progress : {}, lab: typeof s.lab === 'string' ? s.lab : undefined, step: Number(s.step) || 0, open: !!s.open };
  } catch {
    return { progress: {}, step: 0, open: false };
  }
}

function initial(): Pick<LabsState, 'progress' | 'lab' | 'step' | 'open'> {
  const s = saved();
  const url = typeof location !== 'undefined' ? readUrlState(location.search) : undefined;
  if (url?.lab) return { ...s, open: true, lab: url.lab, step: Math.max(0, (url.step ?? 1) - 1) };
  return s;
}

export const useLabs = create<LabsState>((set) => ({
  ...initial(),
  setOpen: (open) => set({ open }),
  openLab: (lab, step) => set((s) => ({ lab, step: step ?? (lab ? s.progress[lab]?.step ?? 0 : 0), open: true })),
  setStep: (step, since) =>
    set((s) => {
      if (!s.lab) return {};
      const p = s.progress[s.lab] ?? { step: 0, done: [], since, started: false };
      return { step, progress: { ...s.progress, [s.lab]: { ...p, step, since } } };
    }),
  markDone: (lab, stepId) =>
    set((s) => {
      const p = s.progress[lab];
      if (!p || p.done.includes(stepId)) return {};
      return { progress: { ...s.progress, [lab]: { ...p, done: [...p.done, stepId] } } };
    }),
  start: (lab, since) => set((s) => ({ lab, step: 0, progress: { ...s.progress, [lab]: { step: 0, done: [], since, started: true } } })),
}));

useLabs.subscribe((s) => {
  try {
    localStorage.setItem(KEY, JSON.stringify({ progress: s.progress, lab: s.lab, step: s.step, open: s.open }));
  } catch {
    /* private mode: progress lives as long as the page */
  }
});
