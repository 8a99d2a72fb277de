/**
 * What packet mode needs from the cluster view: its SVG (for the zoom transform) and the layout it
 * last drew (every pod, node and service box). The cluster view writes these; the overlay reads them
 * each frame.
 */
import type { Layout } from '../cluster/layout';
import type { Pick } from '../cluster/render';
import { usePackets } from './packet-store';

export const clusterViewport: { svg: SVGSVGElement | null; layout: Layout | null; version: number } = { svg: null, layout: null, version: 0 };

export function publishLayout(svg: SVGSVGElement | null, layout: Layout): void {
  clusterViewport.svg = svg;
  clusterViewport.layout = layout;
  clusterViewport.version++;
}

/**
 * A click on the diagram while packet mode is choosing a source or destination: it fills the field
 * (and moves on from source to destination). Returns false when packet mode is not picking.
 */
export function pickForPackets(p: Pick): boolean {
  const s = usePackets.getState();
  if (!s.open || !s.picking) return false;
  const ref = p.kind === 'Pod' ? `pod/${p.namespace}/${p.name}` : p.kind === 'Node' ? `node/${p.name}` : p.kind === 'Service' ? `service/${p.namespace}/${p.name}` : undefined;
  if (!ref) return false;
  if (s.picking === 'from') {
    if (p.kind === 'Service') return true; // a Service is never a source
    s.set({ from: ref, picking: 'to' });
  } else s.set({ to: ref, picking: null });
  return true;
}
