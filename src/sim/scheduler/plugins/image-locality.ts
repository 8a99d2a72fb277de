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
    // The state is read once per pass, not once per node.
    const s = this.stateOf(state, pod);
    for (let i = 0; i < nodes.length; i++) out[i] = scoreWith(s, nodes[i]);
  }

  /** Per pod, once: each image's spread factor (nodes having it / all nodes) and the thresholds. */
  preScore(state: CycleState, pod: PodInfo): boolean {
    const total = this.totalNodes() || 1;
    const images: string[] = [];
    const spread: number[] = [];
    for (const image of pod.images) {
      const having = this.imageNodes.get(image);
      if (!having) continue; // on no node: adds nothing anywhere
      images.push(image);
      spread.push(having / total);
    }
    const containers = (pod.pod.spec?.containers?.length ?? 0) + (pod.pod.spec?.initContainers?.length ?? 0);
    const s: ImageState = { images, spread, max: MAX_CONTAINER_THRESHOLD * Math.max(1, containers) };
    state.set(this.name, s);
    return true;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfoView): number {
    return scoreWith(this.stateOf(state, pod), node);
  }

  private stateOf(state: CycleState, pod: PodInfo): ImageState {
    return (state.get(this.name) as ImageState | undefined) ?? (this.preScore(state, pod), state.get(this.name) as ImageState);
  }
}

function scoreWith(s: ImageState, node: NodeInfoView): number {
  let sum = 0;
  if (s.images.length && node.images.size) {
    for (let i = 0; i < s.images.length; i++) {
      const size = node.images.get(s.images[i]);
      if (size !== undefined) sum += Math.trunc(size * s.spread[i]);
    }
  }
  const clamped = Math.min(s.max, Math.max(MIN_THRESHOLD, sum));
  return Math.trunc((100 * (clamped - MIN_THRESHOLD)) / (s.max - MIN_THRESHOLD));
}

type ImageState = { images: string[]; spread: number[]; max: number };
