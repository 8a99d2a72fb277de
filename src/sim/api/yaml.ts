/**
 * Manifests in, objects out, with positions. Every document of a multi-document YAML text is parsed
 * separately (a broken one does not lose the others), and each keeps a map from field paths to the
 * 1-based line and column where they are written, so that an admission error can point at the field.
 *
 * Parsing uses the `yaml` package (the parser monaco-yaml is built on) for its source ranges, in
 * YAML 1.1 mode as kubectl's go-yaml reads manifests (`yes` is a boolean there).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';

export type Position = { line: number; column: number };
export type FieldPath = (string | number)[];

export type ParsedDocument = {
  /** The document's value (a manifest object if it is well-formed). */
  value?: unknown;
  /** Why the document could not be read, with where. */
  error?: { message: string; line: number; column: number };
  /** Where the document starts (its first content line). */
  start: Position;
  /** Where a field is written; falls back to the deepest ancestor that exists, then to the start of the document */
  positionOf(path: FieldPath): Position;
};

const MAX_ALIASES = 100;

export function parseManifests(text: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter, version: '1.1', uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  } catch (e) {
    return [{ error: { message: String((e as Error).message), line: 1, column: 1 }, start: { line: 1, column: 1 }, positionOf: () => ({ line: 1, column: 1 }) }];
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const contents = doc.contents as YamlNode | null;
    const start = pos(contents?.range?.[0] ?? doc.range[0]);
    const positionOf = (path: FieldPath): Position => {
      let node: unknown = contents;
      let best = start;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          const key = pair.key as YamlNode;
          if (key.range) best = pos(key.range[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof seg === 'number') {
          const item = node.items[seg] as YamlNode | undefined;
          if (!item) break;
          if (item.range) best = pos(item.range[0]);
          node = item;
        } else break;
      }
      return best;
    };
    if (doc.errors.length) {
      const err = doc.errors[0];
      const at = err.pos ? pos(err.pos[0]) : start;
      out.push({ error: { message: yamlMessage(err.message, at.line), ...at }, start, positionOf });
      continue;
    }
    // An empty document (a trailing `---`, comments only) is not an object: skip it as kubectl does.
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    try {
      out.push({ value: doc.toJS({ maxAliasCount: MAX_ALIASES }), start, positionOf });
    } catch (e) {
      out.push({ error: { message: yamlMessage((e as Error).message, start.line), ...start }, start, positionOf });
    }
  }
  return out;
}

/** The parser's message in the shape kubectl prints: `yaml: line 3: mapping values are not allowed`. */
function yamlMessage(raw: string, line: number): string {
  const first = raw.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
  return `error converting YAML to JSON: yaml: line ${line}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
