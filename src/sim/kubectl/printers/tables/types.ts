/** What a kind's table printer is: its columns (wide ones after) and how one object fills a row. */
import type { KObject } from '../../../api/types';

export type RowContext = {
  /** Simulated now, for ages. */
  now: number;
  wide: boolean;
  /** The NAME cell as printed (`web`, or `deployment.apps/web` when several kinds are printed). */
  name: string;
};

export type TableDef = {
  columns: string[];
  /** Columns `-o wide` adds after `columns`. */
  wide?: string[];
  /** Cells for `columns` (then `wide`, when ctx.wide). */
  row(obj: KObject, ctx: RowContext): string[];
};

/** `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when there are none. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** Container names and images of a pod template, joined as the CONTAINERS and IMAGES columns show them. */
export function containersAndImages(podSpec: any): [string, string] {
  const cs: any[] = podSpec?.containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** Go's `%v` of an int that may be missing. */
export const num = (v: unknown): string => String(typeof v === 'number' ? v : 0);
