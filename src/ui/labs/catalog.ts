/** The labs bundled with the page: every file of every lab folder, as text, read by the same loader the checker uses. */
import { loadLabs } from '../../labs/loader';
import type { Lab, LabError } from '../../labs/types';

const raw = import.meta.glob('../../../labs/*/*', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

function load(): { labs: Lab[]; errors: LabError[] } {
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(raw)) files[path.replace(/^.*\/labs\//, '')] = text;
  return loadLabs(files);
}

export const CATALOG = load();

export function findLab(id: string | undefined): Lab | undefined {
  return CATALOG.labs.find((l) => l.id === id);
}

/** Labs grouped by track, in order. */
export function tracks(): { track: string; labs: Lab[] }[] {
  const out: { track: string; labs: Lab[] }[] = [];
  for (const lab of CATALOG.labs) {
    let t = out.find((x) => x.track === lab.track);
    if (!t) out.push((t = { track: lab.track, labs: [] }));
    t.labs.push(lab);
  }
  return out;
}
