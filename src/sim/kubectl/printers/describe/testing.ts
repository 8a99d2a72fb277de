/** For the describe tests: what a kubectl command printed, asserting that it succeeded and said nothing on stderr. */
import { expect } from 'vitest';
import type { Cluster } from '../../../cluster';

export function out(c: Cluster, line: string): string {
  const r = c.kubectl(line);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
}
