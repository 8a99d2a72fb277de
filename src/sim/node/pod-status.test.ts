import { describe, expect, it } from 'vitest';
import { harness, podObject } from './testing';
import { buildPodStatus } from './pod-status';

describe('the pod status the kubelet builds', () => {
  it("keeps others' conditions once per type in their order, and unchanged conditions as the same objects", () => {
    const h = harness();
    h.create(podObject('web', 'nginx:1.25'));
    h.advance(10_000);
    const k = h.kubelets.get('node-1')!;
    const pod = h.pod('web')!;
    const w = k.workers.get(pod.metadata.uid)!;
    const gate = { type: 'example.com/gate', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:03Z' };
    const gateAgain = { ...gate, status: 'False' };
    const disruption = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:04Z' };
    const readyAgain = { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:05Z' };
    const stored = pod.status.conditions;
    const withOthers = { ...pod, status: { ...pod.status, conditions: [gate, ...stored, disruption, gateAgain, readyAgain] } };
    const status = buildPodStatus(w, withOthers, '2025-01-01T09:00:10Z', k.nodeIP, (c) => k.imageID(c));
    expect(status.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
      'example.com/gate=True',
      'DisruptionTarget=True',
    ]);
    // The kubelet's own conditions did not change: the stored objects themselves, and the others as they were.
    for (let i = 0; i < 5; i++) expect(status.conditions[i]).toBe(stored.find((c: any) => c.type === status.conditions[i].type));
    expect(status.conditions[5]).toBe(gate);
    expect(status.conditions[6]).toBe(disruption);
    // Nothing changed at all: the whole status reads as stored, its lists the stored ones.
    const again = buildPodStatus(w, pod, '2025-01-01T09:00:10Z', k.nodeIP, (c) => k.imageID(c));
    expect(again).toEqual(pod.status);
    expect(again.conditions).toBe(pod.status.conditions);
    expect(again.containerStatuses).toBe(pod.status.containerStatuses);
    expect(again.hostIPs).toBe(pod.status.hostIPs);
    expect(again.podIPs).toBe(pod.status.podIPs);
  });

  it('a condition whose status flips gets a new lastTransitionTime; one whose reason changes keeps its time', () => {
    const h = harness();
    h.create(podObject('web', 'nginx:1.25'));
    h.advance(10_000);
    const k = h.kubelets.get('node-1')!;
    const pod = h.pod('web')!;
    const w = k.workers.get(pod.metadata.uid)!;
    const ready = pod.status.conditions.find((c: any) => c.type === 'Ready');
    const flipped = { ...pod, status: { ...pod.status, conditions: pod.status.conditions.map((c: any) => (c.type === 'Ready' ? { ...c, status: 'False' } : c)) } };
    const s1 = buildPodStatus(w, flipped, '2025-01-01T09:00:30Z', k.nodeIP, (c) => k.imageID(c));
    expect(s1.conditions.find((c: any) => c.type === 'Ready')).toEqual({ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:30Z' });
    const reasoned = { ...pod, status: { ...pod.status, conditions: pod.status.conditions.map((c: any) => (c.type === 'Ready' ? { type: 'Ready', status: 'True', reason: 'Old', lastProbeTime: null, lastTransitionTime: ready.lastTransitionTime } : c)) } };
    const s2 = buildPodStatus(w, reasoned, '2025-01-01T09:00:30Z', k.nodeIP, (c) => k.imageID(c));
    expect(s2.conditions.find((c: any) => c.type === 'Ready')).toEqual({ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: ready.lastTransitionTime });
    // Same values, keys in another order: a new object, written in the kubelet's order.
    const reordered = { ...pod, status: { ...pod.status, conditions: pod.status.conditions.map((c: any) => (c.type === 'Ready' ? { status: c.status, type: c.type, lastProbeTime: null, lastTransitionTime: c.lastTransitionTime } : c)) } };
    const s3 = buildPodStatus(w, reordered, '2025-01-01T09:00:30Z', k.nodeIP, (c) => k.imageID(c));
    expect(Object.keys(s3.conditions.find((c: any) => c.type === 'Ready'))).toEqual(['type', 'status', 'lastProbeTime', 'lastTransitionTime']);
  });
});
