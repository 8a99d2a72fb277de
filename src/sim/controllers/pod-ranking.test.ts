import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { sortForDeletion } from './pod-ranking';
import { createTestEngine } from './testing';

const e = createTestEngine({ controllers: [] });
const iso = (s: number) => e.ctx.clock.iso(s * 1000);

type P = { name: string; node?: string; phase?: string; ready?: number; cost?: number; restarts?: number; created?: number; uid?: string };

function pod(p: P): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: 'default',
      uid: p.uid ?? p.name,
      resourceVersion: '1',
      creationTimestamp: iso(p.created ?? 0),
      ...(p.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(p.cost) } } : {}),
    },
    spec: { ...(p.node ? { nodeName: p.node } : {}), containers: [{ name: 'c', image: 'nginx' }] },
    status: {
      phase: p.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: p.ready !== undefined ? 'True' : 'False', lastTransitionTime: iso(p.ready ?? 0) }],
      containerStatuses: [{ name: 'c', restartCount: p.restarts ?? 0 }],
    },
  };
}

const order = (pods: P[], now: number, ranks: Record<string, number> = {}) =>
  sortForDeletion(
    pods.map((p) => ({ pod: pod(p), rank: ranks[p.name] ?? 0 })),
    now * 1000,
    e.ctx,
  ).map((r) => r.pod.metadata.name);

describe('pod deletion ranking (ActivePodsWithRanks)', () => {
  it('deletes unassigned, then Pending, Unknown, Running, then not-ready pods first', () => {
    expect(
      order(
        [
          { name: 'running-ready', node: 'n1', ready: 10 },
          { name: 'running', node: 'n1' },
          { name: 'unknown', node: 'n1', phase: 'Unknown' },
          { name: 'pending', node: 'n1', phase: 'Pending' },
          { name: 'unassigned', phase: 'Pending' },
        ],
        100,
      ),
    ).toEqual(['unassigned', 'pending', 'unknown', 'running', 'running-ready']);
  });

  it('then lower pod-deletion-cost, then doubled-up pods, then shorter readiness', () => {
    expect(
      order(
        [
          { name: 'cost-5', node: 'n1', ready: 10, cost: 5 },
          { name: 'cost-minus-1', node: 'n1', ready: 10, cost: -1 },
          { name: 'plain', node: 'n2', ready: 10 },
          { name: 'doubled', node: 'n3', ready: 10 },
        ],
        100,
        { doubled: 3, plain: 1, 'cost-5': 1, 'cost-minus-1': 1 },
      ),
    ).toEqual(['cost-minus-1', 'doubled', 'plain', 'cost-5']);
    // Ready 2 s ago vs 60 s ago: different log2 buckets, the newer-ready pod goes first.
    expect(order([{ name: 'long', node: 'n1', ready: 40 }, { name: 'recent', node: 'n1', ready: 98 }], 100)).toEqual(['recent', 'long']);
  });

  it('then more restarts, then newer pods; within one log2 age bucket by uid', () => {
    expect(
      order(
        [
          { name: 'old', node: 'n1', ready: 0, created: 0 },
          { name: 'restarts', node: 'n1', ready: 0, created: 0, restarts: 4 },
          { name: 'new', node: 'n1', ready: 0, created: 900 },
        ],
        1000,
      ),
    ).toEqual(['restarts', 'new', 'old']);
    // 35 s and 40 s old fall in the same bucket (2^35 ns ≈ 34.4 s .. 68.7 s): the uid decides.
    expect(order([{ name: 'a', node: 'n1', created: 60, uid: 'uid-b' }, { name: 'b', node: 'n1', created: 65, uid: 'uid-a' }], 100)).toEqual(['b', 'a']);
    expect(order([{ name: 'a', node: 'n1', created: 60, uid: 'uid-a' }, { name: 'b', node: 'n1', created: 65, uid: 'uid-b' }], 100)).toEqual(['a', 'b']);
  });
});
