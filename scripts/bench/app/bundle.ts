/**
 * Entry JavaScript size: the chunks the browser must load before the app can start, i.e. the entry
 * chunk and everything it imports statically (Vite's manifest tells static from dynamic imports),
 * gzipped. Monaco must not be among them: it is found by its module paths in the manifest and by
 * strings only Monaco's own code contains.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

type ManifestChunk = { file: string; src?: string; isEntry?: boolean; imports?: string[]; dynamicImports?: string[]; css?: string[] };

/** Strings that appear in monaco-editor's code and nowhere in ours (our code mentions `.monaco-editor` as a CSS selector, so that is not one). */
const MONACO_MARKERS = ['MonacoEnvironment', 'vs/editor/', 'monaco-editor/esm', 'editor.worker'];

export type EntryReport = { files: { file: string; bytes: number; gzip: number }[]; gzip: number; raw: number; monaco: string[]; lazy: string[] };

export function entryReport(outDir: string): EntryReport {
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry && manifest[k].file.endsWith('.js'));
  if (!entryKey) throw new Error('no entry chunk in the Vite manifest');
  const seen = new Set<string>();
  const lazy = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const d of manifest[key].dynamicImports ?? []) lazy.add(manifest[d]?.file ?? d);
    for (const i of manifest[key].imports ?? []) visit(i);
  };
  visit(entryKey);
  const files = [...seen].map((k) => {
    const buf = readFileSync(join(outDir, manifest[k].file));
    return { file: manifest[k].file, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length, key: k, text: buf.toString('utf8') };
  });
  const monaco: string[] = [];
  for (const f of files) {
    if (/monaco/i.test(f.key) || /monaco|editor\.api|editor\.main/i.test(f.file)) monaco.push(`${f.file} (module ${f.key})`);
    for (const m of MONACO_MARKERS) if (f.text.includes(m)) monaco.push(`${f.file} contains "${m}"`);
  }
  return {
    files: files.map(({ file, bytes, gzip }) => ({ file, bytes, gzip })),
    gzip: files.reduce((a, f) => a + f.gzip, 0),
    raw: files.reduce((a, f) => a + f.bytes, 0),
    monaco,
    lazy: [...lazy],
  };
}
