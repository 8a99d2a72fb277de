/** The centre of the page: the cluster drawn from the mirror, redrawn at most once per frame. */
import { useEffect, useRef } from 'react';
import { useCluster } from '../store/cluster-store';
import { namespaceVisible, useUi } from '../store/ui-store';
import type { IngressView, NodeView, PodView, ServiceView } from '../../worker/view-model';
import { computeLayout, SlotMemory } from './layout';
import { ClusterRenderer } from './render';
import { DotCanvas } from './dot-canvas';
import { PacketOverlay } from '../packets/PacketOverlay';
import { pickForPackets, publishLayout } from '../packets/viewport';

export function ClusterView() {
  const svgRef = useRef<SVGSVGElement>(null);
  const dotsRef = useRef<HTMLCanvasElement>(null);
  const linesRef = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<ClusterRenderer | null>(null);
  const memory = useRef(new SlotMemory());
  const frame = useRef(0);
  const lastLayout = useRef<ReturnType<typeof computeLayout> | null>(null);

  useEffect(() => {
    if (!svgRef.current) return;
    // One animation frame callback does everything: new data (layout, SVG) when the mirror or the UI state
    // changed, then the canvas layer's paint (also asked for by its tweens and by zooming).
    let dataChanged = false;
    const request = () => {
      if (!frame.current) frame.current = requestAnimationFrame(onFrame);
    };
    const dots = dotsRef.current && linesRef.current ? new DotCanvas(dotsRef.current, linesRef.current, request) : undefined;
    renderer.current = new ClusterRenderer(svgRef.current, (p) => pickForPackets(p) || useUi.getState().select(p), dots);
    // The view's size and the motion preference are read when they change, not in every draw: reading
    // clientWidth after the renderer's transitions moved things forces a second layout in each frame.
    const svg = svgRef.current;
    let size = { w: svg.clientWidth, h: svg.clientHeight };
    const motion = window.matchMedia?.('(prefers-reduced-motion: reduce)');
    const draw = () => {
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
      const layout = computeLayout({ nodes, pods, services, ingresses }, memory.current, size);
      lastLayout.current = layout;
      publishLayout(svgRef.current, layout);
      const reduced = motion?.matches ?? false;
      renderer.current?.render({ nodes, pods, services, ingresses }, layout, selection?.uid, reduced, size);
    };
    const onFrame = () => {
      frame.current = 0;
      if (dataChanged) {
        dataChanged = false;
        draw();
      }
      renderer.current?.paint(performance.now());
    };
    const schedule = () => {
      dataChanged = true;
      request();
    };
    const unsubs = [useCluster.subscribe(schedule), useUi.subscribe(schedule)];
    schedule();
    const onResize = () => {
      size = { w: svg.clientWidth, h: svg.clientHeight };
      schedule();
    };
    window.addEventListener('resize', onResize);
    const resizeObserver = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(onResize);
    resizeObserver?.observe(svg);
    return () => {
      unsubs.forEach((u) => u());
      window.removeEventListener('resize', onResize);
      resizeObserver?.disconnect();
      if (frame.current) cancelAnimationFrame(frame.current);
      // A remount (React's StrictMode mounts twice in development) must be able to ask for frames again.
      frame.current = 0;
    };
  }, []);

  return (
    <div className="cluster-view">
      {/* At dot density: Services' endpoint lines under the SVG, pods over it (each pod's SVG element stays its accessible equivalent). */}
      <canvas ref={linesRef} className="cluster-canvas" aria-hidden="true" />
      <svg ref={svgRef} className="cluster-svg" role="group" aria-label="Cluster: nodes, pods and services. Tab to a node, pod or service and press Enter to inspect it." />
      <canvas ref={dotsRef} className="cluster-canvas" aria-hidden="true" />
      <PacketOverlay />
      <button className="fit-button" type="button" onClick={() => lastLayout.current && renderer.current?.fit(lastLayout.current)} title="Fit the cluster to the view">
        Fit
      </button>
    </div>
  );
}
