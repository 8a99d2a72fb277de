/** The console's command history, kept across reloads in the app's IndexedDB store (as bash keeps ~/.bash_history). */
import { createStore, get, set } from 'idb-keyval';

const store = typeof indexedDB !== 'undefined' ? createStore('podium', 'state') : undefined;
const KEY = 'console-history';

export async function loadHistory(): Promise<string[]> {
  try {
    const saved = store ? await get(KEY, store) : undefined;
    return Array.isArray(saved) ? saved.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

export function saveHistory(lines: readonly string[]): void {
  if (store) void set(KEY, [...lines], store).catch(() => undefined);
}
