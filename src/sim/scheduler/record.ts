/** What the scheduler remembers of each pod's attempts (DESIGN.md, "Public engine API"). */

export type SchedulingRecord = {
  attempts: {
    at: number;
    result: { node: string } | { message: string };
    nodes: {
      node: string;
      filters: { plugin: string; ok: boolean; reason?: string }[];
      scores: { plugin: string; score: number }[];
      total?: number;
    }[];
  }[];
};
