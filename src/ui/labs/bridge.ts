/**
 * How the runner reaches the console and the editor without reaching into them: the console
 * exposes its session as `window.podiumConsole` (src/ui/terminal/Console.tsx) and the editor its
 * buffers store (`useEditor().openBuffer`). If the console is not there (not loaded yet), the
 * command runs through the engine and its output is returned for the runner to show.
 */
import type { EngineClient } from '../app/engine-client';
import { useEditor } from '../editor/buffers';
import { addFileSource } from '../terminal/files';
import { findLab } from './catalog';
import { useLabs } from './lab-store';

// The open lab's manifests are files the console can `kubectl apply -f` by name, as the step text says.
addFileSource((name) => findLab(useLabs.getState().lab)?.files[name]);

type ConsoleHandle = { session?: { input(data: string): Promise<void> }; term?: { focus?(): void } };

/** Type a command into the console and press Enter. Returns the output when it ran elsewhere. */
export async function runInConsole(engine: EngineClient, line: string): Promise<string | undefined> {
  const c = (window as unknown as { podiumConsole?: ConsoleHandle }).podiumConsole;
  if (c?.session) {
    await c.session.input(`${line}\r`);
    return undefined;
  }
  const r = await engine.call('kubectl', { line });
  return (r.stdout + r.stderr).trimEnd();
}

/** Open a manifest in the editor, as a buffer of this lab (kept if the learner already changed it). */
export function openInEditor(lab: string, name: string, text: string): void {
  useEditor.getState().openBuffer(`lab:${lab}/${name}`, name, text, { lab: true });
}
