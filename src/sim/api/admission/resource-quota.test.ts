import { describe, expect, it } from 'vitest';
import { createCluster } from '../../index';

const pod = (name: string, cpu: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers: [{name: a, image: nginx, resources: {requests: {cpu: ${cpu}, memory: 256Mi}}}]\n`;

describe('ResourceQuota admission', () => {
  it('counts usage into status.used and refuses what would exceed it, with the API server wording', () => {
    const c = createCluster();
    expect(c.apply(`apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {pods: "2", requests.cpu: "1", requests.memory: 1Gi}\n`)[0].error).toBeUndefined();
    expect(c.get('quota', 'q')!.status).toEqual({ hard: { pods: '2', 'requests.cpu': '1', 'requests.memory': '1Gi' }, used: { pods: '0', 'requests.cpu': '0', 'requests.memory': '0' } });
    expect(c.apply(pod('a', '500m'))[0].error).toBeUndefined();
    expect(c.apply(pod('b', '600m'))[0].error!.message).toBe(
      'Error from server (Forbidden): pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1',
    );
    expect(c.apply(pod('c', '300m'))[0].error).toBeUndefined();
    expect(c.apply(pod('d', '100m'))[0].error!.message).toBe('Error from server (Forbidden): pods "d" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    expect(c.apply(`apiVersion: v1\nkind: Pod\nmetadata: {name: e}\nspec:\n  containers: [{name: web, image: nginx}]\n`)[0].error!.message).toBe(
      'Error from server (Forbidden): pods "e" is forbidden: failed quota: q: must specify requests.cpu for: web; requests.memory for: web',
    );
    expect(c.get('quota', 'q')!.status.used).toEqual({ pods: '2', 'requests.cpu': '800m', 'requests.memory': '512Mi' });
    expect(c.list('pods', { namespace: 'default' }).map((p) => p.metadata.name)).toEqual(['a', 'c']);
  });
});
