import { describe, expect, it } from 'vitest';
import { narrate } from './narration';

const ev = (reason: string, object: string, message: string, source = 'x') => ({ uid: '1', at: 0, type: 'Normal', reason, object, message, source, count: 1 });

describe('narration', () => {
  it('turns events into sentences', () => {
    expect(narrate(ev('SuccessfulCreate', 'replicaset/web-7d9', 'Created pod: web-7d9-x2k'))).toBe('ReplicaSet web-7d9 created pod web-7d9-x2k');
    expect(narrate(ev('Scheduled', 'pod/web-x', 'Successfully assigned default/web-x to node-2'))).toBe('scheduler bound web-x to node-2');
    expect(narrate(ev('Pulled', 'pod/web-x', 'Successfully pulled image "nginx:1.25" in 2.1s', 'kubelet'))).toBe('kubelet pulled nginx:1.25 for web-x');
  });
  it('falls back to the message for anything else', () => {
    expect(narrate(ev('BackOff', 'pod/web-x', 'Back-off restarting failed container'))).toBe('Pod web-x: Back-off restarting failed container');
  });
});
