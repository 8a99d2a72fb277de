import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists and fenced code', () => {
    expect(parseMarkdown('# Title\n\nOne\ntwo.\n\n- a\n- **b**\n\n1. x\n2. y\n\n```bash\nkubectl get po\n```\n')).toEqual([
      { t: 'heading', level: 1, children: [{ t: 'text', text: 'Title' }] },
      { t: 'paragraph', children: [{ t: 'text', text: 'One two.' }] },
      { t: 'list', ordered: false, items: [[{ t: 'text', text: 'a' }], [{ t: 'strong', children: [{ t: 'text', text: 'b' }] }]] },
      { t: 'list', ordered: true, items: [[{ t: 'text', text: 'x' }], [{ t: 'text', text: 'y' }]] },
      { t: 'code', lang: 'bash', text: 'kubectl get po' },
    ]);
  });

  it('keeps HTML as text: nothing is markup', () => {
    expect(parseMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)>')).toEqual([
      { t: 'paragraph', children: [{ t: 'text', text: '<script>alert(1)</script> <img src=x onerror=alert(1)>' }] },
    ]);
  });

  it('drops unsafe link targets, keeping their text', () => {
    expect(parseInline('[x](javascript:alert(1)) [k8s](https://kubernetes.io) `a*b*`')).toEqual([
      { t: 'text', text: 'x) ' },
      { t: 'link', href: 'https://kubernetes.io', children: [{ t: 'text', text: 'k8s' }] },
      { t: 'text', text: ' ' },
      { t: 'code', text: 'a*b*' },
    ]);
    expect(['javascript:x', 'data:text/html,x', '//evil', 'https://a', '#top', '?lab=a&step=2'].map(safeHref)).toEqual([undefined, undefined, undefined, 'https://a', '#top', '?lab=a&step=2']);
  });

  it('keeps a code block indented in a list item, and snake_case words', () => {
    expect(parseMarkdown('  ```yaml\n  a: 1\n  ```\nsnake_case_word')).toEqual([
      { t: 'code', lang: 'yaml', text: 'a: 1' },
      { t: 'paragraph', children: [{ t: 'text', text: 'snake_case_word' }] },
    ]);
  });
});
