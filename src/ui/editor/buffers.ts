/**
 * The editor's buffers: one per lab step (opened by the lab runner through `openBuffer`) and scratch
 * ones, saved in the app's IndexedDB store so they come back after a reload. Small and in the entry
 * bundle; Monaco itself is not.
 */
import { addFileSource } from '../terminal/files';
import { create } from 'zustand';
import { createStore, get, set } from 'idb-keyval';

export type Buffer = { id: string; title: string; text: string; lab?: boolean };

type EditorState = {
  /** Whether the editor panel is showing. */
  open: boolean;
  buffers: Buffer[];
  active: string;
  setOpen(open: boolean): void;
  select(id: string): void;
  setText(id: string, text: string): void;
  /** A new scratch buffer; returns its id. */
  addScratch(text?: string): string;
  close(id: string): void;
  /** Open (or focus) a named buffer, e.g. a lab step's, with this text if it is new. */
  openBuffer(id: string, title: string, text: string, opts?: { lab?: boolean }): void;
};

export const WELCOME = `# A scratch buffer. Type a manifest (Ctrl+Space completes), or pick a snippet above.
# Ctrl+Enter applies it to the cluster.
`;

const idb = typeof indexedDB !== 'undefined' ? createStore('podium', 'state') : undefined;
const KEY = 'editor-buffers';

export const useEditor = create<EditorState>((setState, getState) => ({
  open: false,
  buffers: [{ id: 'scratch-1', title: 'scratch 1', text: WELCOME }],
  active: 'scratch-1',
  setOpen: (open) => setState({ open }),
  select: (id) => setState({ active: id }),
  setText: (id, text) => setState((s) => ({ buffers: s.buffers.map((b) => (b.id === id ? { ...b, text } : b)) })),
  addScratch: (text = '') => {
    const used = new Set(getState().buffers.map((b) => b.id));
    let n = 1;
    while (used.has(`scratch-${n}`)) n++;
    const id = `scratch-${n}`;
    setState((s) => ({ buffers: [...s.buffers, { id, title: `scratch ${n}`, text }], active: id }));
    return id;
  },
  close: (id) =>
    setState((s) => {
      const buffers = s.buffers.filter((b) => b.id !== id);
      if (!buffers.length) buffers.push({ id: 'scratch-1', title: 'scratch 1', text: '' });
      return { buffers, active: s.active === id ? buffers[buffers.length - 1].id : s.active };
    }),
  openBuffer: (id, title, text, opts) =>
    setState((s) => (s.buffers.some((b) => b.id === id) ? { active: id, open: true } : { buffers: [...s.buffers, { id, title, text, ...(opts?.lab ? { lab: true } : {}) }], active: id, open: true })),
}));

// `kubectl apply -f <title>` in the console reads the buffer of that name (the active one first).
addFileSource((name) => {
  const { buffers, active } = useEditor.getState();
  const named = buffers.filter((b) => b.title === name);
  return (named.find((b) => b.id === active) ?? named[0])?.text;
});

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let loaded = false;

/** Restore the saved buffers (once), then save every change, debounced. */
export async function restoreBuffers(): Promise<void> {
  if (loaded) return;
  loaded = true;
  try {
    const saved = idb ? ((await get(KEY, idb)) as { buffers?: Buffer[]; active?: string } | undefined) : undefined;
    if (saved?.buffers?.length && saved.buffers.every((b) => typeof b.id === 'string' && typeof b.text === 'string')) {
      useEditor.setState({ buffers: saved.buffers, active: saved.buffers.some((b) => b.id === saved.active) ? saved.active! : saved.buffers[0].id });
    }
  } catch {
    /* a fresh set of buffers */
  }
  useEditor.subscribe((s, prev) => {
    if (s.buffers === prev.buffers && s.active === prev.active) return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      if (idb) void set(KEY, { buffers: s.buffers, active: s.active }, idb).catch(() => undefined);
    }, 300);
  });
}
