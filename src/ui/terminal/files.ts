/**
 * The console's files. Podium has no file system, but the slides say `kubectl apply -f web.yaml`:
 * a name given to `-f` is looked up in the editor's buffers and the open lab's manifests (each
 * registers itself as a source), and its text is piped to kubectl as if read from disk.
 */
export type FileSource = (name: string) => string | undefined;

const sources = new Set<FileSource>();

export function addFileSource(source: FileSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

export function readFile(name: string): string | undefined {
  const base = name.replace(/^\.\//, '');
  for (const s of sources) {
    const text = s(base);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** The file names a kubectl command line reads with `-f`/`--filename` (not `-` for stdin). */
export function filesOf(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let v: string | undefined;
    if (w === '-f' || w === '--filename') v = words[i + 1];
    else if (w.startsWith('--filename=')) v = w.slice('--filename='.length);
    else if (w.startsWith('-f') && w.length > 2 && !w.startsWith('--')) v = w.slice(2).replace(/^=/, '');
    if (v && v !== '-') out.push(v);
  }
  return out;
}
