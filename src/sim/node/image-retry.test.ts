import { expect, it } from 'vitest';
import { createCluster } from '../index';

it('a pod whose image cannot be pulled never goes back to ContainerCreating while retrying', () => {
  const c = createCluster();
  c.kubectl('kubectl run broken --image=ngnix');
  const seen = new Set<string>();
  let failed = false;
  for (let t = 0; t < 120; t++) {
    c.advance(1000);
    const reason = c.get('pod', 'broken')?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff') failed = true;
    if (failed && reason) seen.add(reason);
  }
  expect([...seen].sort()).toEqual(['ErrImagePull', 'ImagePullBackOff']);
});
