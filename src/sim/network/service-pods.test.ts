import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../controllers/testing';
import { servicesSelecting } from './service-pods';

describe('servicesSelecting', () => {
  it('follows Services added, reselected and deleted after it has answered for a namespace', () => {
    const e = createTestEngine({ controllers: [] });
    const { api } = e.ctx;
    const service = (name: string, selector?: Record<string, string>, namespace = 'default') =>
      api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ...(selector ? { selector } : {}), ports: [{ port: 80 }] } });
    const names = (labels: Record<string, string>, old?: Record<string, string>) => servicesSelecting(e.ctx, 'default', labels, old).map((s) => s.metadata.name);

    service('web', { app: 'web' });
    service('manual');
    expect(names({ app: 'web' })).toEqual(['web']);
    expect(names({ app: 'db' })).toEqual([]);

    // Added after the first answer: seen at once.
    service('db', { app: 'db' });
    service('all-web', { app: 'web', tier: 'front' });
    expect(names({ app: 'db' })).toEqual(['db']);
    expect(names({ app: 'web', tier: 'front' })).toEqual(['web', 'all-web']);
    // A relabelled pod: the Services of its old labels too.
    expect(names({ app: 'db' }, { app: 'web' })).toEqual(['web', 'db']);

    // A new selector, a deletion, and a Service in another namespace.
    api.mutate('Service', 'default', 'web', (s) => {
      s.spec.selector = { app: 'api' };
    });
    api.delete('Service', 'default', 'db');
    api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    service('db', { app: 'db' }, 'other');
    expect(names({ app: 'web', tier: 'front' })).toEqual(['all-web']);
    expect(names({ app: 'api' })).toEqual(['web']);
    expect(names({ app: 'db' })).toEqual([]);
    expect(servicesSelecting(e.ctx, 'other', { app: 'db' }).map((s) => s.metadata.name)).toEqual(['db']);
  });
});
