/**
 * The cluster view's layout: a pure, deterministic function of the rows, so that the picture on a
 * projector never jiggles. Nodes sit in a grid (control plane first, then by name); each pod keeps the
 * slot it got in its node until it leaves (a new pod never shifts the others); unscheduled pods wait in
 * a lane above the nodes; Services stand in a column to the right with lines to their endpoints, and
 * Ingresses to the left, reached from the Internet.
 */
import type { IngressView, NodeView, PodView, ServiceView } from '../../worker/view-model';

export type Box = { x: number; y: number; w: number; h: number };
export type PodPlace = { uid: string; x: number; y: number; mode: PodMode };
export type PodMode = 'chip' | 'dot';
export type Edge = { from: string; to: string; kind: 'endpoint' | 'ingress' | 'internet'; ready: boolean };

export type Layout = {
  width: number;
  height: number;
  mode: PodMode;
  nodes: Map<string, Box>;
  pods: Map<string, PodPlace>;
  pending: Box;
  services: Map<string, Box>;
  ingresses: Map<string, Box>;
  internet?: Box;
  edges: Edge[];
};

export const CHIP = { w: 152, h: 26, gap: 6 };
export const DOT = { w: 20, h: 20, gap: 4 };
const PAD = 12;
const NODE_HEADER = 66;
const NODE_GAP = 24;
const SERVICE = { w: 210, h: 48, gap: 12 };
const INGRESS = { w: 190, h: 44, gap: 12 };
/**
 * Chips (with names) while nodes hold few pods and few pods are shown; dots for dense clusters: 500
 * named chips are unreadable at the scale they must be drawn, and their text is most of a frame's
 * paint. Back to chips only well below the limit, so a cluster hovering at it does not flip.
 */
const CHIP_MAX_PODS_PER_NODE = 12;
export const CHIP_MAX_PODS = 150;
const CHIP_AGAIN_PODS = 120;

/** Remembers which slot each pod has in its node (or in the pending lane) across layouts. */
export class SlotMemory {
  private readonly slots = new Map<string, Map<string, number>>();
  /** Room last laid out: pod slots per node box, rows of the scheduling lane (see `room`); and the pod mode. */
  private readonly rooms = new Map<string, number>();
  private mode: PodMode = 'chip';

  /**
   * Room for `need` (pods per node, rows of waiting pods): grows at once, shrinks only when half of it
   * would do. A rolling update briefly adds surge pods to every node and to the scheduling lane; without
   * this the boxes (and with them the whole picture's scale) would grow and shrink back on every rollout.
   */
  room(what: 'node' | 'lane', need: number): number {
    const have = this.rooms.get(what) ?? 0;
    if (need > have || need <= have / 2) this.rooms.set(what, need);
    return this.rooms.get(what)!;
  }

  podMode(perNode: number, total: number): PodMode {
    const dense = perNode > CHIP_MAX_PODS_PER_NODE || total > (this.mode === 'dot' ? CHIP_AGAIN_PODS : CHIP_MAX_PODS);
    this.mode = dense ? 'dot' : 'chip';
    return this.mode;
  }

  slotOf(group: string, uid: string): number {
    let m = this.slots.get(group);
    if (!m) this.slots.set(group, (m = new Map()));
    const have = m.get(uid);
    if (have !== undefined) return have;
    const used = new Set(m.values());
    let s = 0;
    while (used.has(s)) s++;
    m.set(uid, s);
    return s;
  }

  /** Forget pods no longer in a group. */
  retain(group: string, uids: Set<string>): void {
    const m = this.slots.get(group);
    if (!m) return;
    for (const uid of m.keys()) if (!uids.has(uid)) m.delete(uid);
  }

  groups(): string[] {
    return [...this.slots.keys()];
  }

  drop(group: string): void {
    this.slots.delete(group);
  }
}

const byName = new Intl.Collator('en', { numeric: true }).compare;

/** Control plane first, then by name in natural order (node-2 before node-10), as a person reads them. */
export function sortNodes(nodes: NodeView[]): NodeView[] {
  return [...nodes].sort((a, b) => (a.role === b.role ? byName(a.name, b.name) : a.role === 'control-plane' ? -1 : 1));
}

/**
 * How many nodes per row, and in how many columns the Services stand: the shape whose drawing can be
 * scaled largest into the viewport (a wide stage gets a row, a squarer one a grid), so text stays
 * readable on a projector. One column of 50 Services was taller than 50 nodes' grid and shrank the
 * whole picture; several columns keep them about as tall as the nodes.
 */
export function nodesPerRow(
  count: number,
  nodeW: number,
  nodeH: number,
  /** Width left of the node grid (the Ingresses). */
  leftW: number,
  laneH: number,
  viewport?: { w: number; h: number },
  services = 0,
): { perRow: number; serviceCols: number } {
  const fallback = count <= 4 ? Math.max(1, count) : Math.ceil(Math.sqrt(count * 1.3));
  if (!viewport || viewport.w <= 0 || viewport.h <= 0) return { perRow: fallback, serviceCols: 1 };
  let best = { perRow: 1, serviceCols: 1 };
  let bestScale = 0;
  for (let perRow = 1; perRow <= Math.max(1, count); perRow++) {
    const rows = Math.ceil(count / perRow);
    // Skip shapes that leave the last row mostly empty when a fuller one exists.
    if (perRow > 1 && rows === Math.ceil(count / (perRow - 1))) continue;
    const gridH = rows * (nodeH + NODE_GAP) - NODE_GAP;
    for (let cols = 1; cols <= Math.max(1, services); cols++) {
      // As with nodes, only column counts that change how many rows the Services take.
      if (cols > 1 && Math.ceil(services / cols) === Math.ceil(services / (cols - 1))) continue;
      const w = leftW + perRow * (nodeW + NODE_GAP) - NODE_GAP + (services ? SERVICES_LEFT + servicesWidth(cols) : 0);
      const h = laneH + NODE_GAP + Math.max(gridH, servicesHeight(services, cols));
      const scale = Math.min(viewport.w / w, viewport.h / h);
      if (scale > bestScale * 1.02) {
        best = { perRow, serviceCols: cols };
        bestScale = scale;
      }
    }
  }
  return best;
}

/** Room between the node grid and the Services (their lines cross it), and between Service columns. */
const SERVICES_LEFT = 80;
const SERVICE_COL_GAP = 16;
const servicesWidth = (cols: number) => cols * (SERVICE.w + SERVICE_COL_GAP) - SERVICE_COL_GAP;
const servicesHeight = (count: number, cols: number) => Math.ceil(count / cols) * (SERVICE.h + SERVICE.gap);

export function computeLayout(
  input: { nodes: NodeView[]; pods: PodView[]; services: ServiceView[]; ingresses: IngressView[] },
  memory: SlotMemory,
  viewport?: { w: number; h: number },
): Layout {
  const nodes = sortNodes(input.nodes);
  const nodeNames = new Set(nodes.map((n) => n.name));
  const byNode = new Map<string, PodView[]>();
  const pending: PodView[] = [];
  for (const p of input.pods) {
    if (p.node && nodeNames.has(p.node)) {
      const list = byNode.get(p.node) ?? [];
      list.push(p);
      byNode.set(p.node, list);
    } else pending.push(p);
  }

  // Slots: stable per node; groups of vanished nodes are dropped.
  let maxSlot = 0;
  const slotOf = new Map<string, number>();
  for (const n of nodes) {
    const pods = (byNode.get(n.name) ?? []).sort((a, b) => (a.name < b.name ? -1 : 1));
    memory.retain(n.name, new Set(pods.map((p) => p.uid)));
    for (const p of pods) {
      const s = memory.slotOf(n.name, p.uid);
      slotOf.set(p.uid, s);
      maxSlot = Math.max(maxSlot, s + 1);
    }
  }
  for (const g of memory.groups()) if (g !== '__pending' && !nodeNames.has(g)) memory.drop(g);
  const mode = memory.podMode(maxSlot, input.pods.length);
  maxSlot = memory.room('node', maxSlot);
  const cell = mode === 'chip' ? CHIP : DOT;
  const cols = mode === 'chip' ? 2 : Math.max(6, Math.ceil(Math.sqrt(maxSlot * 1.6)));
  const rows = Math.max(mode === 'chip' ? 3 : 2, Math.ceil(maxSlot / cols));
  const nodeW = Math.max(300, cols * (cell.w + cell.gap) - cell.gap + 2 * PAD);
  const nodeH = NODE_HEADER + rows * (cell.h + cell.gap) - cell.gap + 2 * PAD;
  const hasIngress = input.ingresses.length > 0;
  const left = hasIngress ? INGRESS.w + 60 : 0;
  const { perRow, serviceCols } = nodesPerRow(nodes.length, nodeW, nodeH, left, 30 + CHIP.h + CHIP.gap + PAD, viewport, input.services.length);

  // The pending lane (always present so it does not push the nodes around when pods appear).
  const pendingSorted = [...pending].sort((a, b) => (a.name < b.name ? -1 : 1));
  memory.retain('__pending', new Set(pendingSorted.map((p) => p.uid)));
  // Waiting pods are drawn like the others: chips, or dots in a dense cluster.
  const laneCell = mode === 'chip' ? CHIP : DOT;
  const laneCols = Math.max(1, Math.floor((perRow * (nodeW + NODE_GAP) - NODE_GAP - 2 * PAD + laneCell.gap) / (laneCell.w + laneCell.gap)));
  const laneRows = memory.room('lane', Math.max(1, Math.ceil(Math.max(...pendingSorted.map((p) => memory.slotOf('__pending', p.uid) + 1), 0) / laneCols)));
  const laneH = 30 + laneRows * (laneCell.h + laneCell.gap) + PAD;
  const pendingBox: Box = { x: left, y: 0, w: perRow * (nodeW + NODE_GAP) - NODE_GAP, h: laneH };

  const top = laneH + NODE_GAP;
  const nodeBoxes = new Map<string, Box>();
  nodes.forEach((n, i) => {
    const col = i % perRow;
    const row = Math.floor(i / perRow);
    nodeBoxes.set(n.uid, { x: left + col * (nodeW + NODE_GAP), y: top + row * (nodeH + NODE_GAP), w: nodeW, h: nodeH });
  });

  const pods = new Map<string, PodPlace>();
  for (const n of nodes) {
    const box = nodeBoxes.get(n.uid)!;
    for (const p of byNode.get(n.name) ?? []) {
      const s = slotOf.get(p.uid)!;
      pods.set(p.uid, {
        uid: p.uid,
        x: box.x + PAD + (s % cols) * (cell.w + cell.gap),
        y: box.y + NODE_HEADER + PAD + Math.floor(s / cols) * (cell.h + cell.gap),
        mode,
      });
    }
  }
  for (const p of pendingSorted) {
    const s = memory.slotOf('__pending', p.uid);
    pods.set(p.uid, { uid: p.uid, x: pendingBox.x + PAD + (s % laneCols) * (laneCell.w + laneCell.gap), y: pendingBox.y + 30 + Math.floor(s / laneCols) * (laneCell.h + laneCell.gap), mode });
  }

  const gridRight = left + perRow * (nodeW + NODE_GAP) - NODE_GAP;
  const gridBottom = top + Math.ceil(nodes.length / perRow) * (nodeH + NODE_GAP) - NODE_GAP;
  const services = new Map<string, Box>();
  const sortedSvcs = [...input.services].sort((a, b) => (a.namespace + a.name < b.namespace + b.name ? -1 : 1));
  // Down each column, then the next one: they read in name order like a list.
  const svcRows = Math.ceil(sortedSvcs.length / serviceCols);
  sortedSvcs.forEach((s, i) =>
    services.set(s.uid, { x: gridRight + SERVICES_LEFT + Math.floor(i / svcRows) * (SERVICE.w + SERVICE_COL_GAP), y: top + (i % svcRows) * (SERVICE.h + SERVICE.gap), w: SERVICE.w, h: SERVICE.h }),
  );

  const ingresses = new Map<string, Box>();
  let internet: Box | undefined;
  if (hasIngress) {
    internet = { x: 0, y: 0, w: INGRESS.w, h: 40 };
    input.ingresses.forEach((g, i) => ingresses.set(g.uid, { x: 0, y: top + i * (INGRESS.h + INGRESS.gap), w: INGRESS.w, h: INGRESS.h }));
  }

  const edges: Edge[] = [];
  for (const s of input.services) for (const e of s.endpoints) if (pods.has(e.pod)) edges.push({ from: s.uid, to: e.pod, kind: 'endpoint', ready: e.ready });
  for (const g of input.ingresses) {
    edges.push({ from: 'internet', to: g.uid, kind: 'internet', ready: true });
    for (const name of g.services) {
      const svc = input.services.find((s) => s.name === name && s.namespace === g.namespace);
      if (svc) edges.push({ from: g.uid, to: svc.uid, kind: 'ingress', ready: true });
    }
  }

  const width = Math.max(gridRight + (services.size ? SERVICES_LEFT + servicesWidth(serviceCols) : 0), pendingBox.x + pendingBox.w) + PAD;
  const height = Math.max(gridBottom, top + servicesHeight(services.size, serviceCols), top + ingresses.size * (INGRESS.h + INGRESS.gap)) + PAD;
  return { width, height, mode, nodes: nodeBoxes, pods, pending: pendingBox, services, ingresses, internet, edges };
}
