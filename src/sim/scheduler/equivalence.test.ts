import { describe, expect, it } from 'vitest';
import { Harness } from './testing/harness';

/**
 * Pods with equal specs share the node-local plugins' answers (equivalence.ts): these check that
 * what changed on a node between two such pods is seen by the second.
 */
describe('equivalence cache', () => {
  it('spreads pods of one shape over empty nodes: each binding changes the scores of its node', () => {
    const h = new Harness();
    for (let i = 1; i <= 5; i++) h.node({ name: `node-${i}`, cpu: '4' });
    for (let i = 1; i <= 5; i++) h.pod({ name: `web-${i}`, cpu: '1', memory: '1Gi' });
    h.advance(100);
    const nodes = [1, 2, 3, 4, 5].map((i) => h.nodeOf(`web-${i}`));
    expect(new Set(nodes)).toEqual(new Set(['node-1', 'node-2', 'node-3', 'node-4', 'node-5']));
  });

  it('rejects a node for the next pod once the previous one filled it', () => {
    const h = new Harness();
    h.node({ name: 'a', cpu: '1' });
    h.node({ name: 'b', cpu: '1' });
    for (let i = 1; i <= 3; i++) h.pod({ name: `web-${i}`, cpu: '600m' });
    h.advance(100);
    expect(new Set([h.nodeOf('web-1'), h.nodeOf('web-2')])).toEqual(new Set(['a', 'b']));
    expect(h.nodeOf('web-3')).toBeUndefined();
    expect(h.lastMessage('web-3')).toMatch(/^0\/2 nodes are available: 2 Insufficient cpu\./);
  });

  it('sees a taint added to a node between two pods of one shape', () => {
    const h = new Harness();
    h.node({ name: 'a' });
    h.pod({ name: 'web-1', cpu: '100m' });
    h.advance(100);
    expect(h.nodeOf('web-1')).toBe('a');
    h.ctx.api.mutate('Node', undefined, 'a', (n) => {
      n.spec = { ...n.spec, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    });
    h.pod({ name: 'web-2', cpu: '100m' });
    h.advance(100);
    expect(h.nodeOf('web-2')).toBeUndefined();
    expect(h.lastMessage('web-2')).toMatch(/^0\/1 nodes are available: 1 node\(s\) had untolerated taint\(s\) \{dedicated: db\}\./);
  });

  it('keeps pods of different shapes apart: a pod that tolerates the taint still fits', () => {
    const h = new Harness();
    h.node({ name: 'a', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    h.pod({ name: 'plain', cpu: '100m' });
    h.pod({ name: 'tolerant', cpu: '100m', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] } });
    h.advance(100);
    expect(h.nodeOf('plain')).toBeUndefined();
    expect(h.nodeOf('tolerant')).toBe('a');
    // The same toleration but for another value: a class of its own.
    h.pod({ name: 'other-value', cpu: '100m', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }] } });
    h.pod({ name: 'tolerant-2', cpu: '100m', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] } });
    h.advance(100);
    expect(h.nodeOf('other-value')).toBeUndefined();
    expect(h.nodeOf('tolerant-2')).toBe('a');
  });

  it('sees a PreferNoSchedule taint added between two pods of one shape whose taint scores were all 0', () => {
    const h = new Harness();
    for (const name of ['a', 'b', 'c']) h.node({ name, cpu: '8' });
    for (const name of ['a', 'b', 'c']) h.pod({ name: `web-${name}`, cpu: '100m', nodeName: name });
    h.pod({ name: 'web-1', cpu: '100m' });
    h.advance(100);
    const scores = (pod: string) => {
      const attempts = h.scheduler.record('default', pod)!.attempts;
      const last = attempts[attempts.length - 1];
      return Object.fromEntries(last.nodes.map((n) => [n.node, n.scores.find((s) => s.plugin === 'TaintToleration')?.score]));
    };
    expect(scores('web-1')).toEqual({ a: 100, b: 100, c: 100 });
    const first = h.nodeOf('web-1')!;
    const others = ['a', 'b', 'c'].filter((n) => n !== first);
    // Both other nodes get a PreferNoSchedule taint: the next pod of the shape goes back to the first node.
    for (const name of others) {
      h.ctx.api.mutate('Node', undefined, name, (n) => {
        n.spec = { ...n.spec, taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] };
      });
    }
    h.pod({ name: 'web-2', cpu: '100m' });
    h.advance(100);
    expect(scores('web-2')).toEqual({ [first]: 100, [others[0]]: 0, [others[1]]: 0 });
    expect(h.nodeOf('web-2')).toBe(first);
  });
});
