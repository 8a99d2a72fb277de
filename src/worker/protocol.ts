/**
 * The worker protocol: every command the page can send, with its parameters and its reply, in one map
 * (as maplibre's actor messages). The page calls `client.call('apply', { yaml })` and awaits the typed
 * reply; the worker pushes `delta` messages (at most one per frame) with the changed view rows.
 */
import type { ApplyResult, ClusterSnapshot, ClusterSpec, KObject, KubectlResult, SchedulingRecord, Trace, TraceRequest } from '../sim/index';
import type { View } from './view-model';
import type { RowPatch } from './delta';
import type { Action, Check, CheckResult } from '../labs/types';
import type { ActionOutcome } from '../labs/actions';
import type { NodeNetwork, TraceSummary } from './packets';

export type NodeAction = 'stop' | 'start' | 'cordon' | 'uncordon' | 'drain';

export type Commands = {
  /** Start (or restart) the cluster: from a spec, or from a snapshot (a restored worker). */
  init: { params: { spec?: ClusterSpec; snapshot?: ClusterSnapshot; speed?: number }; result: { now: number } };
  apply: { params: { yaml: string; namespace?: string }; result: ApplyResult[] };
  delete: { params: { ref: string; cascade?: 'background' | 'foreground' | 'orphan' }; result: ApplyResult };
  kubectl: { params: { line: string; stdin?: string }; result: KubectlResult };
  /** Simulated seconds per real second; 0 pauses. */
  setSpeed: { params: { speed: number }; result: { speed: number } };
  /** Advance the simulated clock by `ms` now (the step button). */
  step: { params: { ms: number }; result: { now: number } };
  /** A full object, for the inspector. */
  getObject: { params: { kind: string; name: string; namespace?: string }; result: KObject | undefined };
  events: { params: { limit?: number }; result: KObject[] };
  scheduling: { params: { podRef: string }; result: SchedulingRecord | undefined };
  trace: { params: TraceRequest; result: Trace };
  /** Packet mode's "send N requests": N traces of the same request (at most 500), summarised. */
  traceMany: { params: { req: TraceRequest; count: number }; result: TraceSummary[] };
  /** Packet mode's node zoom: the node's pods with their veths, its bridge, and kube-proxy's nat table. */
  nodeNetwork: { params: { node: string }; result: NodeNetwork | undefined };
  node: { params: { name: string; action: NodeAction }; result: { ok: boolean; message: string } };
  scale: { params: { kind: string; name: string; namespace: string; replicas: number }; result: KubectlResult };
  snapshot: { params: Record<string, never>; result: ClusterSnapshot };
  /**
   * The console's kubectl: like `kubectl`, but `get -w`, `rollout status` and `logs -f` keep going
   * (`streaming`), their further output arriving as `stream` messages under `id` until one is `done`
   * or the page sends `stopStream` (Ctrl+C).
   */
  startStream: { params: { id: number; line: string; stdin?: string }; result: KubectlResult & { streaming: boolean } };
  stopStream: { params: { id: number }; result: { stopped: boolean } };
  /** Tab completion for the console: replace `line.slice(from)` with one of `candidates`. */
  complete: { params: { line: string }; result: { from: number; candidates: string[] } };
  /** Labs: run a step's actions (setup, onEnter, "Show me"); `files` are the lab's, for `apply:`. */
  labActions: { params: { actions: Action[]; files: Record<string, string> }; result: ActionOutcome[] };
  /** Labs: evaluate a step's checks against the live cluster; `since` is when the step started (simulated ms). */
  labChecks: { params: { checks: Check[]; since: number }; result: CheckResult[] };
  /** Labs: fill in `{{podIP nginx}}`-style values of a step's text from the live cluster. */
  labExpand: { params: { text: string }; result: string };
};

export type CommandName = keyof Commands;

export type Request<K extends CommandName = CommandName> = { type: 'call'; id: number; command: K; params: Commands[K]['params'] };

/**
 * A batch of view changes: rows to add or replace, the changed fields of rows the page has, and uids
 * that are gone (apply it with `applyDelta` from delta.ts). After the first batch, the worker keeps each
 * batch within a byte budget per frame; what does not fit comes in the next ones.
 */
export type Delta = {
  now: number;
  speed: number;
  /** True for the first batch after init: the page should drop what it had. */
  reset?: boolean;
  upsert: View[];
  /** Changed fields of rows sent before (see RowPatch). */
  patch?: RowPatch[];
  remove: string[];
  /** Events recorded since the last batch (for the narration feed). */
  events: EventRow[];
  /** Events left out because more were recorded than the page could be sent (the newest are kept). */
  eventsSkipped?: number;
};

export type EventRow = { uid: string; at: number; type: string; reason: string; object: string; namespace?: string; message: string; source: string; count: number };

export type Response =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'delta'; delta: Delta }
  | { type: 'snapshot'; snapshot: ClusterSnapshot }
  | { type: 'stream'; id: number; data: string; done?: boolean; exitCode?: number };
