/**
 * Packet mode's state: the request being traced, the trace, which step is shown, playback, the
 * reply toggle, "send N requests" with its per-pod counts, and the node zoom. The animation's
 * sub-step progress lives in the overlay (60 updates a second do not belong in React state).
 */
import { create } from 'zustand';
import type { Trace, TraceRequest } from '../../sim/index';
import type { TraceSummary } from '../../worker/packets';
import { firstReplyStep, stepsOf, type Step } from './hops';
import type { PresetId } from './presets';

export type Fanout = {
  id: number;
  request: TraceRequest;
  summaries: TraceSummary[];
  /** servedBy (`pod/ns/name`) → requests it answered; `outcome:<x>` for requests no pod answered. */
  counts: Record<string, number>;
  /** performance.now() when the packets were launched. */
  startedAt: number;
  /** Time between launches and per hop (defaults: spread over ~2.4 s, 160 ms a hop). */
  spacingMs?: number;
  hopMs?: number;
  /** kube-proxy's expected share per endpoint IP (from the statistic probabilities on the DNAT node). */
  expected?: Record<string, number>;
};

export type PacketState = {
  open: boolean;
  from: string;
  to: string;
  port: string;
  /** Clicking the diagram fills this field. */
  picking: 'from' | 'to' | null;
  preset?: PresetId;
  story?: string;
  request?: TraceRequest;
  trace?: Trace;
  /** Bumped on every new trace, so the overlay can tell a new journey from a step. */
  traceId: number;
  steps: Step[];
  step: number;
  playing: boolean;
  /** Hops per second ÷ the base rate: 0.5, 1, 2, 4. */
  speed: number;
  showReply: boolean;
  busy: boolean;
  error?: string;
  /** A preset that needs something the cluster lacks. */
  offer?: { need: 'demo' | 'ingress-addon'; message: string; preset: PresetId };
  fanout?: Fanout;
  zoomNode?: string;
  /** performance.now() of the click that asked for the current trace (for the ≤100 ms budget). */
  requestedAt?: number;

  setOpen(v: boolean): void;
  setField(f: 'from' | 'to' | 'port', v: string): void;
  setPicking(p: PacketState['picking']): void;
  setTrace(t: Trace, req: TraceRequest, opts?: { showReply?: boolean; startAtReply?: boolean; story?: string; preset?: PresetId }): void;
  goto(step: number): void;
  next(): void;
  prev(): void;
  setPlaying(v: boolean): void;
  setSpeed(v: number): void;
  setShowReply(v: boolean): void;
  replay(): void;
  set(p: Partial<PacketState>): void;
};

export const usePackets = create<PacketState>((set, get) => ({
  open: false,
  from: '',
  to: '',
  port: '',
  picking: null,
  traceId: 0,
  steps: [],
  step: 0,
  playing: false,
  speed: 1,
  showReply: false,
  busy: false,
  setOpen: (open) => set(open ? { open } : { open, picking: null, playing: false, zoomNode: undefined }),
  setField: (f, v) => set({ [f]: v } as Partial<PacketState>),
  setPicking: (picking) => set({ picking }),
  setTrace: (trace, request, opts = {}) => {
    const showReply = opts.showReply ?? get().showReply;
    const steps = stepsOf(trace, showReply);
    const r = firstReplyStep(steps);
    set({
      trace,
      request,
      steps,
      showReply,
      step: opts.startAtReply && r > 0 ? r : 0,
      playing: !(opts.startAtReply && r > 0) && steps.length > 1,
      traceId: get().traceId + 1,
      story: opts.story,
      preset: opts.preset,
      error: undefined,
      offer: undefined,
      busy: false,
    });
  },
  goto: (step) => set({ step: Math.max(0, Math.min(get().steps.length - 1, step)) }),
  next: () => {
    const { step, steps } = get();
    if (step < steps.length - 1) set({ step: step + 1 });
    else set({ playing: false });
  },
  prev: () => set({ step: Math.max(0, get().step - 1), playing: false }),
  setPlaying: (playing) => {
    const { step, steps } = get();
    // Play at the end starts over.
    set(playing && step >= steps.length - 1 ? { playing, step: 0 } : { playing });
  },
  setSpeed: (speed) => set({ speed }),
  setShowReply: (showReply) => {
    const { trace, step } = get();
    const steps = trace ? stepsOf(trace, showReply) : [];
    set({ showReply, steps, step: Math.min(step, Math.max(0, steps.length - 1)) });
  },
  replay: () => set({ step: 0, playing: true }),
  set: (p) => set(p),
}));

/** Count who answered each request of a batch. */
export function countServed(summaries: TraceSummary[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of summaries) {
    const k = s.servedBy ?? `outcome:${s.outcome}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
