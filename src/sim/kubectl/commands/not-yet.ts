/** Placeholder for a command that is not built yet: says so plainly instead of pretending. */
import { fail, type CommandDef } from '../command';

export function notYet(name: string, summary: string): CommandDef {
  return { name, summary, run: () => fail(`error: "kubectl ${name}" is not available in Podium yet`) };
}
