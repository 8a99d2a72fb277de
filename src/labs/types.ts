/**
 * The lab format, as the loader hands it out: plain data, the same in Node (the checker) and in the
 * page (the runner). `labs/lab.schema.json` describes the YAML an instructor writes; README "Writing a lab".
 */
import type { ClusterSpec } from '../sim/index';

/** Something a step (or the lab's setup) does to the cluster. */
export type Action =
  | { apply: string; namespace?: string } // a manifest file of the lab
  | { run: string } // a kubectl command line, as typed in the console
  | { delete: string; namespace?: string } // kind/name or kind/namespace/name
  | { killPod: string; namespace?: string } // a label selector: delete the first pod (by name) it matches
  | { failNode: string } // the node's kubelet stops: it goes NotReady, its pods are evicted later
  | { startNode: string }
  | { wait: number } // simulated ms (written as '20s', '2m', '500ms')
  | { open: string }; // open a manifest in the editor (nothing to do headless)

export type Comparison = {
  equals?: unknown;
  notEquals?: unknown;
  contains?: string;
  matches?: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
};

/** One predicate; exactly one of these keys is set on a check. */
export type Predicate =
  | { exists: string; namespace?: string }
  | { absent: string; namespace?: string }
  | { field: { ref: string; namespace?: string; path: string } & Comparison }
  | { pods: { selector: string; namespace?: string; count?: number; min?: number; ready?: boolean; phase?: string } }
  | { rollout: string; namespace?: string }
  | { trace: { from: string; to: string; port?: number; protocol?: 'TCP' | 'UDP'; outcome: string; servedBy?: string; bodyContains?: string } }
  | { event: { reason: string; object?: string; namespace?: string; type?: 'Normal' | 'Warning' } }
  | { kubectl: { command: string; contains?: string; notContains?: string; matches?: string; exitCode?: number } };

export type Check = Predicate & { message: string; hint: string };

export type Step = {
  id: string;
  title: string;
  /** The step's markdown file, and its text. */
  textFile: string;
  text: string;
  /** The manifest the editor opens with (a file of the lab), if any. */
  editor?: string;
  onEnter: Action[];
  solution: Action[];
  checks: Check[];
};

export type Lab = {
  /** The folder name: `basics-03-replicasets`. */
  id: string;
  title: string;
  track: string;
  order: number;
  /** Minutes a learner needs. */
  duration: number;
  summary: string;
  cluster: ClusterSpec;
  setup: Action[];
  steps: Step[];
  /** Every file of the lab folder by name (manifests, markdown), for `apply:`/`open:` and the editor. */
  files: Record<string, string>;
};

/** A broken lab: where, and what. */
export type LabError = { file: string; line: number; column: number; message: string };

/** What a check says about the cluster right now. */
export type CheckResult = { ok: boolean; message: string; hint: string; detail: string };
