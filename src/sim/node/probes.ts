/**
 * Container probes as the kubelet's prober runs them (pkg/kubelet/prober): one worker per probe,
 * first run after initialDelaySeconds, then every periodSeconds; a result flips only after
 * successThreshold successes or failureThreshold failures in a row. Startup probes hold back
 * liveness and readiness until they succeed. Every failed run leaves an `Unhealthy` event.
 */
import type { ExecResult } from './runtime';

export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';
export type ProbeOutcome = { ok: boolean; message: string };

/** What a probe can reach: the pod's listeners and the container's shell. */
export type ProbeTarget = {
  ip: string;
  serve(port: number, protocol: 'TCP' | 'UDP', path?: string, headers?: Record<string, string>): { http?: { status: number; body: string } } | undefined;
  exec(argv: string[]): ExecResult;
  resolvePort(port: number | string): number | undefined;
};

export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };

export function probeSettings(probe: any): typeof PROBE_DEFAULTS {
  const n = (v: unknown, d: number, min: number) => (typeof v === 'number' && Number.isFinite(v) && v >= min ? v : d);
  return {
    initialDelaySeconds: n(probe?.initialDelaySeconds, 0, 0),
    periodSeconds: n(probe?.periodSeconds, 10, 1),
    timeoutSeconds: n(probe?.timeoutSeconds, 1, 1),
    successThreshold: n(probe?.successThreshold, 1, 1),
    failureThreshold: n(probe?.failureThreshold, 3, 1),
  };
}

/** Run a probe once; the message is what the kubelet puts after `Liveness probe failed: `. */
export function runProbe(probe: any, target: ProbeTarget): ProbeOutcome {
  if (probe?.exec) {
    const argv: string[] = (probe.exec.command ?? []).map(String);
    const r = target.exec(argv);
    // ExecProbeTimeout (GA since 1.20): the runtime's ExecSync deadline is timeoutSeconds; the CRI
    // client turns DeadlineExceeded into `command "<argv joined by spaces>" timed out`, a failure.
    const timeoutSeconds = probeSettings(probe).timeoutSeconds;
    if ((r.elapsedMs ?? 0) > timeoutSeconds * 1000) return { ok: false, message: `command "${argv.join(' ')}" timed out` };
    const output = (r.stdout + r.stderr).replace(/\n$/, '');
    return r.exitCode === 0 ? { ok: true, message: output } : { ok: false, message: output };
  }
  if (probe?.httpGet) {
    const g = probe.httpGet;
    const port = target.resolvePort(g.port);
    const scheme = String(g.scheme ?? 'HTTP').toLowerCase();
    const path = g.path ?? '/';
    const url = `${scheme}://${g.host ?? target.ip}:${port ?? g.port}${path}`;
    if (port === undefined) return { ok: false, message: `Get "${url}": invalid port "${g.port}"` };
    const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.30' };
    for (const h of g.httpHeaders ?? []) if (h?.name) headers[String(h.name).toLowerCase()] = String(h.value ?? '');
    const r = target.serve(port, 'TCP', path, headers);
    if (!r) return { ok: false, message: `Get "${url}": dial tcp ${g.host ?? target.ip}:${port}: connect: connection refused` };
    if (!r.http) return { ok: false, message: `Get "${url}": net/http: HTTP/1.x transport connection broken: malformed HTTP response` };
    const { status } = r.http;
    if (status >= 200 && status < 400) return { ok: true, message: '' };
    return { ok: false, message: `HTTP probe failed with statuscode: ${status}` };
  }
  if (probe?.tcpSocket) {
    const port = target.resolvePort(probe.tcpSocket.port);
    const host = probe.tcpSocket.host ?? target.ip;
    if (port === undefined || !target.serve(port, 'TCP')) return { ok: false, message: `dial tcp ${host}:${port ?? probe.tcpSocket.port}: connect: connection refused` };
    return { ok: true, message: '' };
  }
  if (probe?.grpc) {
    const port = Number(probe.grpc.port);
    if (!target.serve(port, 'TCP')) return { ok: false, message: `timeout: failed to connect service "${target.ip}:${port}" within 1s: context deadline exceeded` };
    return { ok: true, message: '' };
  }
  return { ok: false, message: 'missing probe handler' };
}

/** Consecutive results, and whether the result flipped. */
export class ProbeCounter {
  result: boolean;
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly settings: typeof PROBE_DEFAULTS,
    initial: boolean,
  ) {
    this.result = initial;
  }

  /** Record a run; returns true when the probe's result changed. */
  record(ok: boolean): boolean {
    if (ok) {
      this.failures = 0;
      this.successes++;
      if (!this.result && this.successes >= this.settings.successThreshold) {
        this.result = true;
        return true;
      }
    } else {
      this.successes = 0;
      this.failures++;
      if (this.result && this.failures >= this.settings.failureThreshold) {
        this.result = false;
        return true;
      }
    }
    return false;
  }

  /** For liveness and startup: failures in a row reached the threshold. */
  get failed(): boolean {
    return this.failures >= this.settings.failureThreshold;
  }
}
