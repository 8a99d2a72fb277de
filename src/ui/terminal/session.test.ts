import { describe, expect, it } from 'vitest';
import { WorkerHost } from '../../worker/host';
import type { Response } from '../../worker/protocol';
import { ConsoleSession, type Entry, type EngineLike } from './session';
import { addFileSource } from './files';

/** The console against a real engine in this process: the worker's host, with its stream messages routed back. */
function setup(history: string[] = []) {
  const listeners = new Map<number, (c: Extract<Response, { type: 'stream' }>) => void>();
  const host = new WorkerHost((m) => {
    if (m.type === 'stream') listeners.get(m.id)?.(m);
  });
  host.handle('init', { spec: { seed: 1 } });
  const engine: EngineLike = {
    call: async (command, params) => host.handle(command, params),
    onStream: (id, fn) => {
      listeners.set(id, fn);
      return () => listeners.delete(id);
    },
  };
  let screen = '';
  const term = { write: (d: string) => void (screen += d), clear: () => void (screen = '') };
  const entries: Entry[] = [];
  const saved: string[][] = [];
  const session = new ConsoleSession(term, engine, { entry: (e) => entries.push(e), history: (l) => saved.push([...l]) }, history);
  session.start();
  // eslint-disable-next-line no-control-regex
  const text = () => screen.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 100) host.tick(100);
  };
  return { host, session, text, entries, saved, run, type: (s: string) => session.input(s) };
}

describe('ConsoleSession', () => {
  it('`kubectl apply -f web.yaml` reads the editor buffer or lab manifest of that name', async () => {
    const { host, type, text } = setup();
    const off = addFileSource((n) => (n === 'ns.yaml' ? 'apiVersion: v1\nkind: Namespace\nmetadata: {name: from-file}\n' : undefined));
    try {
      await type('kubectl apply -f ns.yaml\r');
      expect(text()).toContain('namespace/from-file created');
      expect(host.handle('getObject', { kind: 'Namespace', name: 'from-file' })).toBeDefined();
      await type('kubectl apply -f missing.yaml\r');
      expect(text()).toContain('error: the path "missing.yaml" does not exist');
    } finally {
      off();
    }
  });

  it('a pasted heredoc applies the manifest, as `cat <<EOF | kubectl apply -f -` does', async () => {
    const { host, type, text } = setup();
    await type('cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: lab\nEOF\n');
    expect(text()).toContain('namespace/lab created');
    expect(host.handle('getObject', { kind: 'Namespace', name: 'lab' })?.metadata.name).toBe('lab');
  });

  it('typing a heredoc line by line shows the > prompt until EOF', async () => {
    const { type, text } = setup();
    for (const ch of 'k apply -f - <<EOF') await type(ch);
    await type('\r');
    await type('apiVersion: v1\rkind: Namespace\rmetadata: {name: typed}\r');
    expect(text()).toContain('> ');
    await type('EOF\r');
    expect(text()).toContain('namespace/typed created');
  });

  it('runs kubectl, records history, and keeps an accessible log of each command', async () => {
    const { type, text, entries, saved, session } = setup(['kubectl version']);
    await type('kubectl get ns\r');
    expect(text()).toMatch(/NAME\s+STATUS\s+AGE\r\ndefault\s+Active/);
    expect(saved.at(-1)).toEqual(['kubectl version', 'kubectl get ns']);
    expect(entries.at(-1)).toMatchObject({ line: 'kubectl get ns', ok: true });
    await type('kubectl get pods nope\r');
    expect(entries.at(-1)).toMatchObject({ ok: false, out: 'Error from server (NotFound): pods "nope" not found\n' });
    await type('\x1b[A');
    expect(session.editor.buffer).toBe('kubectl get pods nope');
  });

  it('streams get -w rows as time passes, and Ctrl+C stops them and gives the prompt back', async () => {
    const { host, session, type, text, run } = setup();
    await type('kubectl get pods -w\r');
    expect(session.busy).toBe(true);
    host.handle('apply', { yaml: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx:1.25}]\n' });
    run(10_000);
    expect(text()).toMatch(/web\s+0\/1\s+Pending/);
    expect(text()).toMatch(/web\s+1\/1\s+Running/);
    await type('kubectl get nodes\r'); // typed while the watch runs: not run
    expect(text()).not.toContain('control-plane');
    await type('\x03');
    expect(session.busy).toBe(false);
    expect(text()).toMatch(/\^C\r\n\r\$ $/);
    await type('kubectl get nodes\r');
    expect(text()).toContain('control-plane');
  });

  it('Tab completes a unique word, extends a common prefix, and lists the rest', async () => {
    const { type, session, text } = setup();
    await type('kubectl rollo');
    await type('\t');
    expect(session.editor.buffer).toBe('kubectl rollout ');
    session.editor.reset();
    await type('k get po');
    await type('\t');
    expect(text()).toContain('poddisruptionbudgets');
    expect(session.editor.buffer).toBe('k get po');
  });

  it('pipes output through grep', async () => {
    const { type, entries } = setup();
    await type('kubectl get nodes | grep node-2\r');
    expect(entries.at(-1)!.out.trim().split('\n')).toHaveLength(1);
    expect(entries.at(-1)!.out).toMatch(/^node-2\s+Ready/);
  });

  it('says what is not a command here', async () => {
    const { type, text } = setup();
    await type('docker ps\r');
    expect(text()).toContain('bash: docker: command not found');
  });
});
