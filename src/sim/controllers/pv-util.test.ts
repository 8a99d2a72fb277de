/** Volume matching (findBestMatchForClaim) and the DefaultStorageClass admission plugin, on a bare store. */
import { describe, expect, it } from 'vitest';
import { createTestEngine } from './testing';
import { findBestMatch, volumeFitsNode, volumeSatisfiesClaim } from './pv-util';
import { defaultStorageClass, defaultStorageClassPlugin } from '../api/admission/default-storage-class';
import type { KObject } from '../api/types';

const pv = (name: string, size: string, extra: Record<string, unknown> = {}, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: 'manual', hostPath: { path: `/mnt/${name}` }, ...extra },
});
const pvc = (name: string, size: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: 'manual', ...spec },
});

describe('volume matching', () => {
  it('picks the smallest volume that satisfies class, modes, size and selector; a pre-bound one wins', () => {
    const e = createTestEngine({ controllers: [] });
    e.create(pv('a-10g', '10Gi'));
    e.create(pv('b-2g', '2Gi'));
    e.create(pv('c-1g', '1Gi'));
    e.create(pv('d-5g-fast', '5Gi', {}, { tier: 'fast' }));
    e.create(pv('e-3g-other', '3Gi', { storageClassName: 'other' }));
    const store = e.ctx.store;
    const claim = (c: ReturnType<typeof pvc>) => e.create(c) as KObject;
    expect(findBestMatch(store, claim(pvc('one', '1500Mi')))?.metadata.name).toBe('b-2g');
    expect(findBestMatch(store, claim(pvc('fast', '1Gi', { selector: { matchLabels: { tier: 'fast' } } })))?.metadata.name).toBe('d-5g-fast');
    expect(findBestMatch(store, claim(pvc('rwx', '1Gi', { accessModes: ['ReadWriteMany'] })))).toBeUndefined();
    expect(findBestMatch(store, claim(pvc('huge', '20Gi')))).toBeUndefined();
    expect(findBestMatch(store, claim(pvc('other', '1Gi', { storageClassName: 'other' })))?.metadata.name).toBe('e-3g-other');
    const pre = claim(pvc('pre', '1Gi'));
    e.create(pv('f-9g-pre', '9Gi', { claimRef: { namespace: 'default', name: 'pre' } }));
    expect(findBestMatch(store, pre)?.metadata.name).toBe('f-9g-pre');
    expect(volumeSatisfiesClaim(store.get('PersistentVolume', undefined, 'f-9g-pre')!, pre)).toBe(true);
    // A volume pre-bound to another claim is not free, though 9Gi would be the smallest fit for 8Gi.
    expect(findBestMatch(store, claim(pvc('eight', '8Gi')))?.metadata.name).toBe('a-10g');
  });

  it('node affinity restricts where a volume can be used', () => {
    const e = createTestEngine({ controllers: [] });
    const v = e.create(pv('local', '1Gi', { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] }] } } }));
    const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } }) as unknown as KObject;
    expect([volumeFitsNode(v, node('node-1')), volumeFitsNode(v, node('node-2'))]).toEqual([false, true]);
    expect(findBestMatch(e.ctx.store, e.create(pvc('c', '1Gi')), node('node-1'))).toBeUndefined();
  });
});

describe('DefaultStorageClass admission', () => {
  it('gives a class-less claim the newest default class, leaves "" and named classes alone, and does nothing without a default', () => {
    const e = createTestEngine({ controllers: [] });
    e.ctx.api.admission.register(defaultStorageClassPlugin);
    expect(e.create(pvc('none', '1Gi', { storageClassName: undefined })).spec.storageClassName).toBeUndefined();
    const sc = (name: string, isDefault: boolean) => ({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': String(isDefault) } },
      provisioner: 'example.com/x',
    });
    e.create(sc('old-default', true));
    e.create(sc('not-default', false));
    e.advance(2000);
    e.create(sc('new-default', true));
    expect(defaultStorageClass(e.ctx.store)?.metadata.name).toBe('new-default');
    expect(e.create(pvc('a', '1Gi', { storageClassName: undefined })).spec.storageClassName).toBe('new-default');
    expect(e.create(pvc('b', '1Gi', { storageClassName: '' })).spec.storageClassName).toBe('');
    expect(e.create(pvc('c', '1Gi', { storageClassName: 'not-default' })).spec.storageClassName).toBe('not-default');
  });
});
