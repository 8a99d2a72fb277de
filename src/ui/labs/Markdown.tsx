/** A step's text, from the safe markdown tree: React text nodes only, never HTML strings. */
import { useState, type ReactNode } from 'react';
import { parseMarkdown, type Inline } from './markdown';

export type CodeActions = { run?(line: string): Promise<string | undefined>; open?(text: string): void };

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inline(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.children)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target={n.href.startsWith('http') ? '_blank' : undefined} rel="noopener noreferrer">
            {inline(n.children)}
          </a>
        );
    }
  });
}

/** Lines a learner can run: kubectl ones (a comment or a placeholder line is not a command). */
function runnable(line: string): boolean {
  return /^\s*(kubectl|k)\s/.test(line) && !/<[^>]+>/.test(line);
}

function CodeBlock({ lang, text, actions }: { lang: string; text: string; actions: CodeActions }) {
  const [out, setOut] = useState<string>();
  const shell = ['bash', 'sh', 'shell', 'console', ''].includes(lang);
  const lines = text.split('\n');
  return (
    <div className="lab-code">
      {shell && lines.some(runnable) ? (
        <pre>
          {lines.map((l, i) => (
            <div key={i} className="lab-code-line">
              <code>{l || ' '}</code>
              {runnable(l) && actions.run ? (
                <button type="button" className="run-line" title="Run in console" aria-label={`Run in console: ${l.trim()}`} onClick={() => void actions.run!(l.trim()).then(setOut)}>
                  ▶
                </button>
              ) : null}
            </div>
          ))}
        </pre>
      ) : (
        <pre>
          <code>{text}</code>
        </pre>
      )}
      {lang === 'yaml' && actions.open ? (
        <button type="button" className="open-editor" onClick={() => actions.open!(text)}>
          Open in editor
        </button>
      ) : null}
      {out !== undefined ? <pre className="lab-code-out">{out}</pre> : null}
    </div>
  );
}

export function Markdown({ text, actions }: { text: string; actions: CodeActions }) {
  return (
    <div className="lab-text">
      {parseMarkdown(text).map((b, i) => {
        switch (b.t) {
          case 'heading': {
            // The lab's title is the panel's h2: a step's own `#` heading is an h3 under it.
            const level = Math.min(6, b.level + 2);
            const H = `h${level}` as 'h4';
            return <H key={i}>{inline(b.children)}</H>;
          }
          case 'paragraph':
            return <p key={i}>{inline(b.children)}</p>;
          case 'quote':
            return <blockquote key={i}>{inline(b.children)}</blockquote>;
          case 'list': {
            const L = b.ordered ? 'ol' : 'ul';
            return (
              <L key={i}>
                {b.items.map((it, j) => (
                  <li key={j}>{inline(it)}</li>
                ))}
              </L>
            );
          }
          case 'code':
            return <CodeBlock key={i} lang={b.lang} text={b.text} actions={actions} />;
        }
      })}
    </div>
  );
}
