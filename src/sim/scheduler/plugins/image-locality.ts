/**
 * ImageLocality: prefer nodes that already have the pod's images, weighted by image size and by
 * how widely the image is spread (an image on every node says little). The sum is clamped between
 * 23 MB and 1000 MB per container and scaled to 0–100.
 */
import type { CycleState, NodeInfoView, PodInfo, ScorePlugin } from '../types';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export class ImageLocality implements ScorePlugin {
  readonly name = 'ImageLocality';

  constructor(
    private readonly imageNodes: ReadonlyMap<string, number>,
    private readonly totalNodes: () => number,
  ) {}

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out[i] = this.score(state, pod, nodes[i]);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfoView): number {
    if (!node.images.size || !pod.images.length) return 0;
    const total = this.totalNodes() || 1;
    let sum = 0;
    for (const image of pod.images) {
      const size = node.images.get(image);
      if (size === undefined) continue;
      sum += Math.trunc(size * ((this.imageNodes.get(image) ?? 1) / total));
    }
    const containers = (pod.pod.spec?.containers?.length ?? 0) + (pod.pod.spec?.initContainers?.length ?? 0);
    const max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers);
    const clamped = Math.min(max, Math.max(MIN_THRESHOLD, sum));
    return Math.trunc((100 * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  }
}
