/**
 * Monaco, set up once, in its own chunk (never in the entry bundle: EditorPanel imports this lazily and
 * prefetches it when the browser is idle). Only what the editor uses is imported — the editor API, the
 * contributions below and YAML — not the bare `monaco-editor` entry, which would pull in the
 * TypeScript, CSS, HTML and JSON workers. Workers are Vite `?worker` bundles from the same origin.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/codeAction/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/features/diffEditor/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/format/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/snippet/register.js';
import 'monaco-editor/features/suggest/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/languages/definitions/yaml/register.js';
// What editor.main.js imports beside the feature registrations (the suggest widget lives here).
import 'monaco-editor/editor/browser/coreCommands.js';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/editor/contrib/find/browser/findController.js';
import 'monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus.js';
import 'monaco-editor/editor/contrib/dropOrPasteInto/browser/copyPasteContribution.js';
import 'monaco-editor/editor/common/standaloneStrings.js';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon-modifiers.css';
import { configureMonacoYaml } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import YamlWorker from './yaml.worker.ts?worker';
import { editorSchema } from './schema';
import { convertDocument, findRetired } from './quick-fix';
import { SNIPPETS } from './snippets';

export { monaco };

/** Marker owners: ours, beside monaco-yaml's schema markers. */
export const APPLY_OWNER = 'kubectl-apply';
export const RETIRED_OWNER = 'retired-api';

(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'yaml' ? new YamlWorker() : new EditorWorker()),
};

let ready: Promise<void> | undefined;

/** Load the schema and configure YAML support (once). */
export function setup(): Promise<void> {
  ready ??= (async () => {
    const schemaUrl = new URL('schemas/kubernetes.json', document.baseURI).href;
    const raw = await fetch(schemaUrl).then((r) => r.json());
    configureMonacoYaml(forMonacoYaml() as never, {
      enableSchemaRequest: false,
      completion: true,
      hover: true,
      validate: true,
      schemas: [{ uri: schemaUrl, fileMatch: ['**/*.yaml'], schema: editorSchema(raw) }],
    });
    registerQuickFix();
    registerSnippets();
  })();
  return ready;
}

/**
 * monaco-yaml (through monaco-worker-manager 2) asks for its worker the pre-0.5x way, by label and
 * createData; Monaco 0.57's `createWebWorker` takes a Worker, started by posting a first message and
 * then the createData (what Monaco's own language workers do, internal/common/workers.js).
 */
function forMonacoYaml(): typeof monaco {
  type Legacy = { worker?: Worker; label?: string; createData?: unknown; host?: Record<string, (...args: unknown[]) => unknown>; keepIdleModels?: boolean };
  const createWebWorker = (opts: Legacy) => {
    if (opts.worker) return monaco.editor.createWebWorker(opts as never);
    const worker = new YamlWorker();
    worker.postMessage('ignore');
    worker.postMessage(opts.createData);
    return monaco.editor.createWebWorker({ worker, ...(opts.host ? { host: opts.host } : {}), keepIdleModels: opts.keepIdleModels ?? false } as never);
  };
  return { ...monaco, editor: { ...monaco.editor, createWebWorker } } as unknown as typeof monaco;
}

/** Retired apiVersions: a warning on the apiVersion, and a quick fix that converts the document. */
export function checkRetired(model: monaco.editor.ITextModel): void {
  const text = model.getValue();
  const markers = findRetired(text).map((r) => {
    const a = model.getPositionAt(r.from);
    const b = model.getPositionAt(r.to);
    return { severity: monaco.MarkerSeverity.Warning, message: r.message, source: 'podium', code: 'retired-api', startLineNumber: a.lineNumber, startColumn: a.column, endLineNumber: b.lineNumber, endColumn: b.column };
  });
  monaco.editor.setModelMarkers(model, RETIRED_OWNER, markers);
}

function registerQuickFix(): void {
  monaco.languages.registerCodeActionProvider('yaml', {
    provideCodeActions(model, range) {
      const actions: monaco.languages.CodeAction[] = [];
      for (const r of findRetired(model.getValue())) {
        const a = model.getPositionAt(r.doc.start);
        const b = model.getPositionAt(r.doc.end);
        if (range.endLineNumber < a.lineNumber || range.startLineNumber > b.lineNumber) continue;
        const marker = monaco.editor.getModelMarkers({ resource: model.uri, owner: RETIRED_OWNER }).find((m) => m.startLineNumber >= a.lineNumber && m.startLineNumber <= b.lineNumber);
        actions.push({
          title: `Convert ${r.kind} to ${r.target}`,
          kind: 'quickfix',
          isPreferred: true,
          ...(marker ? { diagnostics: [marker] } : {}),
          edit: {
            edits: [{ resource: model.uri, versionId: model.getVersionId(), textEdit: { range: monaco.Range.fromPositions(a, b), text: convertDocument(r.doc.text) } }],
          },
        });
      }
      return { actions, dispose() {} };
    },
  }, { providedCodeActionKinds: ['quickfix'] });
}

function registerSnippets(): void {
  monaco.languages.registerCompletionItemProvider('yaml', {
    provideCompletionItems(model, position) {
      // Only where a document starts: an empty line at the top level with nothing else in its document.
      const line = model.getLineContent(position.lineNumber);
      if (/^\s/.test(line)) return { suggestions: [] };
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      return {
        suggestions: SNIPPETS.map((s) => ({
          label: `${s.label} (snippet)`,
          kind: monaco.languages.CompletionItemKind.Snippet,
          insertText: s.body,
          insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
          documentation: `A ${s.kind} to start from.`,
          filterText: s.label,
          sortText: `~${s.label}`,
          range,
        })),
      };
    },
  });
}
