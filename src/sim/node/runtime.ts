/**
 * The container runtime as other parts of the engine see it: what answers on a pod's port, what a
 * command run in a container prints, and a container's logs. The kubelet implements it and registers
 * it as `ctx.services.get('runtime')`; the network layer (packet traces, Service answers), kubectl
 * (`exec`, `logs`) and probes use it.
 */

export type HttpRequest = { method?: string; path?: string; host?: string; headers?: Record<string, string> };

export type ServeResult = {
  /** The container that listens on the port. */
  container: string;
  /** For HTTP servers: the response (web images answer with their pod name and version). */
  http?: { status: number; body: string };
};

export type ExecResult = {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Simulated time the command would have taken (its sleeps), when not zero: exec probes time out on it. */
  elapsedMs?: number;
};

export interface ContainerRuntime {
  /**
   * What a connection to pod `namespace/name` on `port` gets: undefined when nothing listens there
   * (connection refused) or the pod is not running.
   */
  serve(namespace: string, pod: string, port: number, protocol: 'TCP' | 'UDP', request?: HttpRequest): ServeResult | undefined;

  /** Run `argv` in a container (the first one when `container` is undefined), as `kubectl exec` does. */
  exec(namespace: string, pod: string, container: string | undefined, argv: string[]): ExecResult;

  /** A container's log, or undefined if it has none (never started). */
  logs(namespace: string, pod: string, container: string | undefined, opts?: { previous?: boolean; tailLines?: number }): string | undefined;

  /**
   * A running pod's use: CPU in millicores and memory in bytes (the images' baseline plus the
   * requests they serve; `Cluster.setUsage` pins it). Undefined when the pod runs nothing here.
   */
  usage?(namespace: string, pod: string): { cpuMillis: number; memoryBytes: number } | undefined;
}

/**
 * Network commands a container can run (`curl`, `wget`, `nslookup`, `host`, `dig`, `ping`), provided
 * by the network layer as `ctx.services.get('netexec')`. Returns undefined for a command it does not know.
 */
export type NetExec = (namespace: string, pod: string, argv: string[]) => ExecResult | undefined;
