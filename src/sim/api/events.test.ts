import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster';

describe('EventRecorder', () => {
  it('aggregates repeats into one event with a count, and starts over after 10 minutes', () => {
    const c = new Cluster({ nodes: 1 });
    const pod = c.ctx.api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { schedulerName: 'x', containers: [{ name: 'c', image: 'x' }] } });
    const rec = () => c.ctx.events.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', { component: 'kubelet', host: 'node-1' });
    const mine = () => c.events().filter((e) => e.involvedObject.name === 'p' && e.reason === 'BackOff');
    rec();
    c.ctx.clock.advance(20_000);
    rec();
    rec();
    expect(mine()).toHaveLength(1);
    expect(mine()[0].count).toBe(3);
    expect(c.ctx.clock.parseIso(mine()[0].lastTimestamp) - c.ctx.clock.parseIso(mine()[0].firstTimestamp)).toBe(20_000);
    c.ctx.clock.advance(11 * 60_000);
    rec();
    expect(mine()).toHaveLength(2);
  });

  it('expires events after an hour', () => {
    const c = new Cluster({ nodes: 1 });
    const ns = c.get('ns', 'default')!;
    c.ctx.events.record(ns, 'Normal', 'Hello', 'first', { component: 'test' });
    c.ctx.clock.advance(61 * 60_000);
    c.ctx.events.record(ns, 'Normal', 'Hello', 'second', { component: 'test' });
    expect(c.events().filter((e) => e.reason === 'Hello').map((e) => e.message)).toEqual(['second']);
  });

  it('aggregates per key on an object with many different events, and forgets keys whose window closed', () => {
    const c = new Cluster({ nodes: 1 });
    const ns = c.get('ns', 'default')!;
    const rec = (i: number, reason = 'Made') => c.ctx.events.record(ns, 'Normal', reason, `thing ${i % 40}`, { component: 'test' });
    for (let i = 0; i < 120; i++) rec(i);
    rec(7, 'Other'); // same message, another reason: a key of its own
    const mine = () => c.events().filter((e) => e.involvedObject.name === 'default' && (e.reason === 'Made' || e.reason === 'Other'));
    expect(mine()).toHaveLength(41);
    expect(mine().filter((e) => e.reason === 'Made').map((e) => e.count)).toEqual(Array(40).fill(3));
    c.ctx.clock.advance(11 * 60_000);
    rec(3);
    expect(mine()).toHaveLength(42);
    expect(mine().filter((e) => e.message === 'thing 3').map((e) => e.count)).toEqual([3, 1]);
  });
});
