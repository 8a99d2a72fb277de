/**
 * Autosave: the cluster (its snapshot: a command log that replays exactly), the UI state and editor
 * buffers live in IndexedDB and come back after a reload.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { ClusterSnapshot } from '../../sim/index';

const store = typeof indexedDB !== 'undefined' ? createStore('podium', 'state') : undefined;

export type SavedUi = { namespace: string; showSystem: boolean; sidebar: 'inspector' | 'events' };

export async function loadSnapshot(): Promise<ClusterSnapshot | undefined> {
  try {
    return store ? ((await get('snapshot', store)) as ClusterSnapshot | undefined) : undefined;
  } catch {
    return undefined;
  }
}

export async function saveSnapshot(s: ClusterSnapshot): Promise<void> {
  if (store) await set('snapshot', s, store).catch(() => undefined);
}

export async function clearSnapshot(): Promise<void> {
  if (store) await del('snapshot', store).catch(() => undefined);
}

export async function loadUi(): Promise<SavedUi | undefined> {
  try {
    return store ? ((await get('ui', store)) as SavedUi | undefined) : undefined;
  } catch {
    return undefined;
  }
}

export async function saveUi(ui: SavedUi): Promise<void> {
  if (store) await set('ui', ui, store).catch(() => undefined);
}
