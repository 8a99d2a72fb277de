/** The centre of the page: the cluster drawn from the mirror, redrawn at most once per frame. */
import { useEffect, useRef } from 'react';
import { useCluster } from '../store/cluster-store';
import { namespaceVisible, useUi } from '../store/ui-store';
import type { IngressView, NodeView, PodView, ServiceView } from '../../worker/view-model';
import { computeLayout, SlotMemory } from './layout';
import { ClusterRenderer } from './render';
import { PacketOverlay } from '../packets/PacketOverlay';
import { pickForPackets, publishLayout } from '../packets/viewport';

export function ClusterView() {
  const svgRef = useRef<SVGSVGElement>(null);
  const renderer = useRef<ClusterRenderer | null>(null);
  const memory = useRef(new SlotMemory());
  const frame = useRef(0);
  const lastLayout = useRef<ReturnType<typeof computeLayout> | null>(null);

  useEffect(() => {
    if (!svgRef.current) return;
    renderer.current = new ClusterRenderer(svgRef.current, (p) => pickForPackets(p) || useUi.getState().select(p));
    const draw = () => {
      frame.current = 0;
      const { rows } = useCluster.getState();
      const { namespace, showSystem, selection } = useUi.getState();
      const nodes: NodeView[] = [];
      const pods: PodView[] = [];
      const services: ServiceView[] = [];
      const ingresses: IngressView[] = [];
      for (const r of rows.values()) {
        if (r.kind === 'Node') nodes.push(r);
        else if (r.kind === 'Pod' && namespaceVisible(r.namespace, namespace, showSystem) && !(r.phase === 'Succeeded' && !r.node)) pods.push(r);
        else if (r.kind === 'Service' && namespaceVisible(r.namespace, namespace, showSystem) && !(r.namespace === 'default' && r.name === 'kubernetes' && !showSystem)) services.push(r);
        else if (r.kind === 'Ingress' && namespaceVisible(r.namespace, namespace, showSystem)) ingresses.push(r);
      }
      const el = svgRef.current;
      const layout = computeLayout({ nodes, pods, services, ingresses }, memory.current, el ? { w: el.clientWidth, h: el.clientHeight } : undefined);
      lastLayout.current = layout;
      publishLayout(svgRef.current, layout);
      const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
      renderer.current?.render({ nodes, pods, services, ingresses }, layout, selection?.uid, reduced);
    };
    const schedule = () => {
      if (!frame.current) frame.current = requestAnimationFrame(draw);
    };
    const unsubs = [useCluster.subscribe(schedule), useUi.subscribe(schedule)];
    schedule();
    const onResize = () => schedule();
    window.addEventListener('resize', onResize);
    return () => {
      unsubs.forEach((u) => u());
      window.removeEventListener('resize', onResize);
      if (frame.current) cancelAnimationFrame(frame.current);
    };
  }, []);

  return (
    <div className="cluster-view">
      <svg ref={svgRef} className="cluster-svg" role="group" aria-label="Cluster: nodes, pods and services. Tab to a node, pod or service and press Enter to inspect it." />
      <PacketOverlay />
      <button className="fit-button" type="button" onClick={() => lastLayout.current && renderer.current?.fit(lastLayout.current)} title="Fit the cluster to the view">
        Fit
      </button>
    </div>
  );
}
