/** UI state: selection, namespace filter, presenter mode, panels. Persisted with the cluster. */
import { create } from 'zustand';

export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'ingress-nginx']);

export type Selection = { kind: string; name: string; namespace?: string; uid: string } | undefined;

export type UiState = {
  selection: Selection;
  /** '' means every (non-system) namespace. */
  namespace: string;
  showSystem: boolean;
  presenter: boolean;
  sidebar: 'inspector' | 'events';
  banner?: string;
  select(s: Selection): void;
  setNamespace(ns: string): void;
  setShowSystem(v: boolean): void;
  setPresenter(v: boolean): void;
  setSidebar(v: UiState['sidebar']): void;
  setBanner(msg?: string): void;
};

export const useUi = create<UiState>((set) => ({
  selection: undefined,
  namespace: '',
  showSystem: false,
  presenter: false,
  sidebar: 'events',
  select: (selection) => set(selection ? { selection, sidebar: 'inspector' } : { selection }),
  setNamespace: (namespace) => set({ namespace }),
  setShowSystem: (showSystem) => set({ showSystem }),
  setPresenter: (presenter) => set({ presenter }),
  setSidebar: (sidebar) => set({ sidebar }),
  setBanner: (banner) => set({ banner }),
}));

/** Whether a namespaced row is visible under the current filter. */
export function namespaceVisible(ns: string | undefined, filter: string, showSystem: boolean): boolean {
  if (!ns) return true;
  if (filter) return ns === filter;
  return showSystem || !SYSTEM_NAMESPACES.has(ns);
}
