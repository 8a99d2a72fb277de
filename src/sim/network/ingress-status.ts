/**
 * ingress-nginx's status sync: the elected controller copies the address of its published Service
 * (`--publish-service=ingress-nginx/ingress-nginx-controller`, the LoadBalancer's external IP) into
 * `status.loadBalancer.ingress` of every Ingress it serves, and clears it from Ingresses it no
 * longer serves. Like the controller, it runs on a fixed 60-second interval (`UpdateInterval` in
 * ingress-nginx's status package), so `kubectl get ingress` shows ADDRESS up to a minute after
 * the Ingress is created — the wait learners see on a real cluster. Nothing is written while no
 * controller pod is ready (no leader).
 */
import type { EngineContext } from '../context';
import { INGRESS_CONTROLLER, INGRESS_NAMESPACE, servedIngresses } from './ingress';
import { deepEqual } from '../api/json';

export const INGRESS_STATUS_INTERVAL_MS = 60_000;

/** One pass of the status sync (exported for tests). */
export function syncIngressStatus(ctx: EngineContext): void {
  const leader = [...ctx.store.each('Pod', INGRESS_NAMESPACE)].some(
    (p) => p.metadata.name.startsWith(`${INGRESS_CONTROLLER}-`) && !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c?.type === 'Ready' && c.status === 'True'),
  );
  if (!leader) return;
  const svc = ctx.store.get('Service', INGRESS_NAMESPACE, INGRESS_CONTROLLER);
  const want = ((svc?.status?.loadBalancer?.ingress ?? []) as any[]).filter((i) => i?.ip || i?.hostname).map((i) => (i.ip ? { ip: i.ip } : { hostname: i.hostname }));
  const served = new Set(servedIngresses(ctx).map((i) => `${i.metadata.namespace}/${i.metadata.name}`));
  for (const ing of [...ctx.store.each('Ingress')]) {
    const target = served.has(`${ing.metadata.namespace}/${ing.metadata.name}`) ? want : [];
    const have = ing.status?.loadBalancer?.ingress ?? [];
    if (deepEqual(have, target)) continue;
    ctx.api.mutate('Ingress', ing.metadata.namespace, ing.metadata.name, (d) => {
      d.status = { ...(d.status ?? {}), loadBalancer: target.length ? { ingress: target } : {} };
    });
  }
}

/** Start the periodic sync (the add-on calls this when it installs the controller). */
export function startIngressStatus(ctx: EngineContext): void {
  const tick = () => {
    syncIngressStatus(ctx);
    ctx.clock.after(INGRESS_STATUS_INTERVAL_MS, tick);
  };
  ctx.clock.after(INGRESS_STATUS_INTERVAL_MS, tick);
}
