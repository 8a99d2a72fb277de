/**
 * One pod's life on its node, as the kubelet's pod worker runs it (pkg/kubelet/kuberuntime):
 * sandbox and pod IP, volumes, image pulls with their policy and back-off, init containers in
 * order, containers created and started, probes, restarts with the crash-loop back-off (10 s
 * doubling to 5 min, reset after 10 min of running), graceful termination with SIGTERM then SIGKILL.
 * `sync()` is level-based: it looks at where every container is and takes the next step.
 */
import { CLUSTER_CA_CERT } from './cluster-ca';
import type { KObject } from '../api/types';
import type { Timer } from '../clock';
import { milliValue, value } from '../api/quantity';
import { hostAddress } from './ipam';
import type { Kubelet } from './kubelet';
import { normalizeImage, type ImageDef, type ImageRef } from './images';
import { ContainerFS, type Mount, type VolumeFiles } from './fs';
import { createProcess, execIn, imageFiles, plan, type Process, type ProcessHost } from './container';
import { expandVars, fieldPathValue, objectData, resolveEnv, resourceFieldValue } from './env';
import { alpineRelease } from './apk';
import { ProbeCounter, probeSettings, runProbe, type ProbeKind, type ProbeTarget } from './probes';
import type { ExecResult } from './runtime';
import type { ShellHost } from './shell';
import type { StatusMemo } from './pod-status';

export const SANDBOX_MS = 400;
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** A back-off entry is forgotten when the container ran this long (2 × the maximum, as client-go's Backoff). */
export const BACKOFF_RESET_MS = 2 * BACKOFF_MAX_MS;
/** How long after ErrImagePull the next sync finds the pull in back-off (ImagePullBackOff). */
const SYNC_AFTER_ERROR_MS = 1000;
/** Retry of a container that could not be created (CreateContainerConfigError, FailedMount). */
const RETRY_MS = 10_000;
const LOG_LIMIT = 2000;

type Step = 'new' | 'pulling' | 'pullBackoff' | 'blocked' | 'running' | 'stopping' | 'exited' | 'crashBackoff';

export type Terminated = {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: string;
  finishedAt: string;
  containerID?: string;
  signal?: number;
};

type Backoff = { delay: number; lastUpdate: number };

/**
 * The waiting states with a reason alone, shared by every container: `waiting` is always replaced,
 * never edited (the status memo compares it by identity, so sharing only makes it hit more often).
 */
const CONTAINER_CREATING = Object.freeze({ reason: 'ContainerCreating' });
const POD_INITIALIZING = Object.freeze({ reason: 'PodInitializing' });

export class ContainerState {
  step: Step = 'new';
  waiting: { reason: string; message?: string } = CONTAINER_CREATING;
  startedAt?: string;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  restartCount = 0;
  ready = false;
  started = false;
  containerID?: string;
  ref?: ImageRef;
  def?: ImageDef;
  proc?: Process;
  /** The current run: what it was started with, its filesystem and environment. */
  run?: ContainerRun;
  logs: string[] = [];
  prevLogs?: string[];
  partial = '';
  crash?: Backoff;
  pull?: Backoff & { until: number };
  /** Pending timers of the container's program and of its probes (see track). */
  timers?: Timers;
  probeTimers?: Timers;
  readiness?: ProbeCounter;
  /** Why a stop was asked for: liveness restarts, spec changes. */
  stopReason?: 'probe' | 'spec';
  epoch = 0;
  specImage: string;
  /** The container's name (a new spec for it is found by this name, so it never changes). */
  readonly name: string;
  /** The last status reported for it (pod-status.ts). */
  statusMemo?: StatusMemo;

  constructor(
    public spec: any,
    readonly init: boolean,
  ) {
    this.specImage = String(spec.image ?? '');
    this.name = spec.name;
  }


  /** Where events point in the pod (`spec.containers{web}`); the name never changes. */
  get fieldPath(): string {
    return (this.fieldPathText ??= `spec.${this.init ? 'initContainers' : 'containers'}{${this.name}}`);
  }

  private fieldPathText?: string;

  /** The filesystem of the current run (none before the container was first created). */
  get fs(): ContainerFS | undefined {
    return this.run?.fs;
  }

  /** The environment of the current run (none before the container was first created). */
  get env(): Map<string, string> | undefined {
    return this.run?.env;
  }
}

/**
 * One run of a container: what the kubelet started it with, and the parts made from that when
 * something first reads them: its filesystem (a shell, a web server's files) and its environment
 * (a shell, a program that reads a variable). Most containers are never asked, and each start
 * would otherwise build them. What they are made from is taken at the start or does not change
 * during the run (the pod's hostname, DNS policy and mounts are immutable; the pod IP and the
 * resolved variables are kept here), so making them later gives the same.
 */
class ContainerRun {
  private files?: ContainerFS;
  private vars?: Map<string, string>;

  constructor(
    private readonly w: PodWorker,
    private readonly def: ImageDef,
    private readonly spec: any,
    private readonly podIP: string | undefined,
    private readonly hostname: string,
    private readonly resolved: [string, string][],
  ) {}

  get fs(): ContainerFS {
    return (this.files ??= new ContainerFS(this.w.baseFiles(this.def, this.podIP), this.w.mounts(this.spec)));
  }

  get env(): Map<string, string> {
    if (!this.vars) {
      const env = new Map<string, string>([['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ['HOSTNAME', this.hostname]]);
      for (const [k, v] of Object.entries(this.def.env ?? {})) env.set(k, v);
      for (const [k, v] of this.resolved) env.set(k, v);
      if (!env.has('HOME')) env.set('HOME', '/root');
      this.vars = env;
    }
    return this.vars;
  }
}

export class PodWorker {
  pod: KObject;
  readonly uid: string;
  readonly containers: ContainerState[] = [];
  ip?: string;
  sandboxReady = false;
  sandboxPending = false;
  startTime: string;
  terminating = false;
  finished = false;
  volumes?: Map<string, VolumeFiles>;
  private emptyDirs?: Map<string, Map<string, string>>;
  /** Pending kubelet timers of this pod (see track). */
  timers?: Timers;
  private syncQueued = false;
  /** Where the kubelet lists this worker for its next status write; -1 when not listed (kubelet.markDirty). */
  dirtyAt = -1;
  private mountRetry?: Timer;
  /** spec.hostNetwork and spec.restartPolicy, read on every status write: taken from each new spec (update). */
  hostNetwork: boolean;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';

  constructor(
    readonly kubelet: Kubelet,
    pod: KObject,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid;
    this.hostNetwork = !!pod.spec?.hostNetwork;
    this.restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    this.startTime = pod.status?.startTime ?? kubelet.ctx.clock.iso();
    for (const c of pod.spec?.initContainers ?? []) this.containers.push(new ContainerState(c, true));
    for (const c of pod.spec?.containers ?? []) this.containers.push(new ContainerState(c, false));
    const inits = pod.spec?.initContainers?.length;
    for (const c of this.containers) if (c.init || inits) c.waiting = POD_INITIALIZING;
  }

  get namespace(): string {
    return this.pod.metadata.namespace ?? 'default';
  }
  get name(): string {
    return this.pod.metadata.name;
  }
  get podIP(): string | undefined {
    return this.hostNetwork ? this.kubelet.nodeIP : this.ip;
  }
  private get ctx() {
    return this.kubelet.ctx;
  }
  private get now(): number {
    return this.ctx.clock.now;
  }

  // ---- timers: kubelet work pauses while the kubelet is stopped; container programs do not ----

  private after(ms: number, fn: () => void, owner?: ContainerState): Timer {
    const holder: TimerHolder = owner ?? this;
    const t = this.ctx.clock.after(ms, () => {
      untrack(holder, 'timers', t);
      this.kubelet.run(fn);
    });
    track(holder, 'timers', t);
    return t;
  }

  private cancel(holder: TimerHolder, key: TimerKey): void {
    const held = holder[key];
    if (!held) return;
    if (held instanceof Set) for (const t of held) t.cancel();
    else held.cancel();
    holder[key] = undefined;
  }

  /** Ask for a sync at the current instant (after the current event). */
  kick(): void {
    if (this.syncQueued || this.finished) return;
    this.syncQueued = true;
    this.ctx.clock.after(0, (this.queuedSync ??= () => this.kubelet.run((this.runQueuedSync ??= () => {
      this.syncQueued = false;
      this.sync();
    }))));
  }

  /** What a kick schedules, made once per worker (a pod is kicked at every step): no state of its own. */
  private queuedSync?: () => void;
  private runQueuedSync?: () => void;

  private event(type: 'Normal' | 'Warning', reason: string, message: string, c?: ContainerState): void {
    this.kubelet.event(this.pod, type, reason, message, c?.fieldPath);
  }

  private dirty(): void {
    this.kubelet.markDirty(this);
  }

  /** The pod object changed in the API (spec image, deletion, labels). */
  update(pod: KObject): void {
    this.pod = pod;
    this.hostNetwork = !!pod.spec?.hostNetwork;
    this.restartPolicy = pod.spec?.restartPolicy ?? 'Always';
    if (pod.metadata.deletionTimestamp) {
      this.kick();
      return;
    }
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    for (const c of this.containers) {
      const s = specs.find((x: any) => x.name === c.name);
      if (!s) continue;
      const image = String(s.image ?? '');
      c.spec = s;
      if (image === c.specImage) continue;
      // The image is the one mutable field of a running container: a new one means a new container.
      c.specImage = image;
      c.pull = undefined;
      if (c.step === 'running') {
        this.event('Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`, c);
        this.stopContainer(c, 'spec');
      } else if (c.step !== 'stopping' && c.step !== 'exited') {
        this.cancel(c, 'timers');
        c.step = 'new';
      }
    }
    this.kick();
  }

  // ---- the sync loop ----

  sync(): void {
    if (this.finished) return;
    if (this.pod.metadata.deletionTimestamp || this.terminating) {
      this.syncTermination();
      return;
    }
    if (!this.sandboxReady) {
      this.ensureSandbox();
      return;
    }
    if (!this.volumes) {
      this.mountVolumes();
      if (!this.volumes) return;
    }
    const inits = this.containers.filter((c) => c.init);
    for (const c of inits) {
      if (c.step === 'exited' && c.terminated?.exitCode === 0) continue;
      if (c.step === 'exited') {
        if (this.restartPolicy === 'Never') {
          this.stopSandbox();
          return;
        }
        this.restart(c);
        return;
      }
      if (c.step === 'new') this.startContainer(c);
      return;
    }
    for (const c of this.containers) {
      if (c.init) continue;
      if (c.step === 'new') this.startContainer(c);
      else if (c.step === 'exited' && this.shouldRestart(c)) this.restart(c);
    }
    if (this.containers.every((c) => c.step === 'exited') && !this.containers.some((c) => !c.init && this.shouldRestart(c))) this.stopSandbox();
  }

  private shouldRestart(c: ContainerState): boolean {
    if (c.stopReason === 'spec') return true;
    const p = this.restartPolicy;
    if (c.init) return p !== 'Never' && c.terminated?.exitCode !== 0;
    return p === 'Always' || (p === 'OnFailure' && c.terminated?.exitCode !== 0);
  }

  /** The pod finished (Succeeded or Failed): its sandbox goes, its IP returns to the pool. */
  private stopSandbox(): void {
    if (!this.sandboxReady) return;
    this.sandboxReady = false;
    if (this.ip) this.kubelet.releaseIP(this.ip);
    this.dirty();
  }

  private ensureSandbox(): void {
    if (this.sandboxPending) return;
    this.sandboxPending = true;
    this.dirty();
    this.after(SANDBOX_MS + this.kubelet.random.int(400), () => {
      this.sandboxPending = false;
      if (!this.hostNetwork) {
        const ip = this.ctx.netHooks ? this.ctx.netHooks.allocatePodIP(this.kubelet.nodeName, this.uid) : this.kubelet.fallbackIP();
        if (!ip) {
          const cidr = this.kubelet.node()?.spec?.podCIDR ?? '';
          const range = cidr ? `${hostAddress(cidr, 1)}-${hostAddress(cidr, 254)}` : '';
          this.event(
            'Warning',
            'FailedCreatePodSandBox',
            `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${this.kubelet.random.hex(64)}": plugin type="flannel" failed (add): failed to delegate add: failed to allocate for range 0: no IP addresses available in range set: ${range}`,
          );
          this.after(RETRY_MS, () => this.kick());
          return;
        }
        this.ip = ip;
      }
      this.sandboxReady = true;
      this.dirty();
      this.sync();
    });
  }

  // ---- volumes ----

  private mountVolumes(): void {
    if (this.mountRetry) return;
    const vols = new Map<string, VolumeFiles>();
    const ns = this.namespace;
    for (const v of this.pod.spec?.volumes ?? []) {
      const missing = this.missingSource(v);
      const unbound = missing ? undefined : this.unboundClaim(v);
      if (missing || unbound) {
        // An unbound claim has nothing to mount yet: the volume manager waits (and says why) instead of starting the pod.
        this.event('Warning', 'FailedMount', unbound ? `Unable to attach or mount volumes: unmounted volumes=[${v.name}], unattached volumes=[${v.name}]: ${unbound}` : `MountVolume.SetUp failed for volume "${v.name}" : ${missing}`);
        this.mountRetry = this.after(RETRY_MS, () => {
          this.mountRetry = undefined;
          this.kick();
        });
        return;
      }
      vols.set(v.name, this.volumeFiles(v, ns));
    }
    this.volumes = vols;
  }

  /** Why a PersistentVolumeClaim volume cannot be mounted yet (the desired state populator's error). */
  private unboundClaim(v: any): string | undefined {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) return undefined;
    const pvc = this.ctx.store.get('PersistentVolumeClaim', this.namespace, name);
    if (!pvc) return `error processing PVC ${this.namespace}/${name}: failed to fetch PVC from API server: persistentvolumeclaims "${name}" not found`;
    if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) return `error processing PVC ${this.namespace}/${name}: PVC is not bound`;
    return undefined;
  }

  private missingSource(v: any): string | undefined {
    const ns = this.namespace;
    const check = (kind: 'ConfigMap' | 'Secret', name: string, optional?: boolean) =>
      !optional && !this.ctx.store.get(kind, ns, name) ? `${kind.toLowerCase()} "${name}" not found` : undefined;
    if (v.configMap) return check('ConfigMap', v.configMap.name, v.configMap.optional);
    if (v.secret) return check('Secret', v.secret.secretName, v.secret.optional);
    if (v.projected) {
      for (const s of v.projected.sources ?? []) {
        const m = s.configMap ? check('ConfigMap', s.configMap.name, s.configMap.optional) : s.secret ? check('Secret', s.secret.name, s.secret.optional) : undefined;
        if (m) return m;
      }
    }
    return undefined;
  }

  private volumeFiles(v: any, ns: string): VolumeFiles {
    const fromObject = (kind: 'ConfigMap' | 'Secret', name: string, items?: any[]) => {
      const out = new Map<string, string>();
      const obj = this.ctx.store.get(kind, ns, name);
      if (!obj) return out;
      const data = objectData(obj);
      if (items?.length) {
        for (const it of items) if (it.key in data) out.set(it.path ?? it.key, data[it.key]);
      } else for (const [k, val] of Object.entries(data)) out.set(k, val);
      return out;
    };
    const downward = (items: any[]) => {
      const out = new Map<string, string>();
      for (const it of items ?? []) {
        if (it.fieldRef) out.set(it.path, fieldPathValue(this.pod, it.fieldRef.fieldPath, this.podIP, this.kubelet.nodeIP) ?? '');
        else if (it.resourceFieldRef) {
          const c = this.containers.find((x) => x.name === it.resourceFieldRef.containerName)?.spec;
          out.set(it.path, resourceFieldValue(c, it.resourceFieldRef, this.kubelet.allocatable()) ?? '');
        }
      }
      return out;
    };
    if (v.configMap) return { readOnly: true, files: () => fromObject('ConfigMap', v.configMap.name, v.configMap.items) };
    if (v.secret) return { readOnly: true, files: () => fromObject('Secret', v.secret.secretName, v.secret.items) };
    if (v.downwardAPI) return { readOnly: true, files: () => downward(v.downwardAPI.items) };
    if (v.projected) {
      return {
        readOnly: true,
        files: () => {
          const out = new Map<string, string>();
          for (const s of v.projected.sources ?? []) {
            const part = s.configMap
              ? fromObject('ConfigMap', s.configMap.name, s.configMap.items)
              : s.secret
                ? fromObject('Secret', s.secret.name, s.secret.items)
                : s.downwardAPI
                  ? downward(s.downwardAPI.items)
                  : s.serviceAccountToken
                    ? new Map([[s.serviceAccountToken.path ?? 'token', this.kubelet.token(this.pod)]])
                    : new Map<string, string>();
            for (const [k, val] of part) out.set(k, val);
          }
          return out;
        },
      };
    }
    if (v.persistentVolumeClaim) {
      const backing = this.kubelet.claimData(ns, v.persistentVolumeClaim.claimName);
      return { readOnly: !!v.persistentVolumeClaim.readOnly, files: () => backing, backing };
    }
    if (v.hostPath) {
      const backing = this.kubelet.hostPathData(v.hostPath.path);
      return { readOnly: false, files: () => backing, backing };
    }
    const dirs = (this.emptyDirs ??= new Map());
    let backing = dirs.get(v.name);
    if (!backing) dirs.set(v.name, (backing = new Map()));
    const b = backing;
    return { readOnly: false, files: () => b, backing: b };
  }

  // ---- starting a container: image, pull, create, start ----

  private startContainer(c: ContainerState): void {
    const image = c.specImage;
    const ref = normalizeImage(image);
    if ('error' in ref) {
      c.step = 'blocked';
      c.waiting = { reason: 'InvalidImageName', message: ref.error };
      this.event('Warning', 'InspectFailed', ref.error, c);
      this.event('Warning', 'Failed', 'Error: InvalidImageName', c);
      this.dirty();
      return;
    }
    const def = this.kubelet.catalog.lookup(ref);
    const present = this.kubelet.hasImage(ref);
    const policy = c.spec.imagePullPolicy ?? (ref.tag === 'latest' && !ref.digest ? 'Always' : 'IfNotPresent');
    if (policy === 'Never' && !present) {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      c.step = 'blocked';
      c.waiting = { reason: 'ErrImageNeverPull', message: msg };
      this.event('Warning', 'ErrImageNeverPull', msg, c);
      this.event('Warning', 'Failed', 'Error: ErrImageNeverPull', c);
      this.dirty();
      return;
    }
    if (present && policy !== 'Always' && def) {
      this.event('Normal', 'Pulled', alreadyPresentMessage(image), c);
      this.create(c, ref, def);
      return;
    }
    if (c.pull && this.now < c.pull.until) {
      this.pullBackoff(c);
      return;
    }
    c.step = 'pulling';
    // A retried pull keeps showing the last failure (ImagePullBackOff) until it succeeds or fails
    // again, as the kubelet reports it; only the first pull shows ContainerCreating.
    if (!c.pull) c.waiting = c.init ? POD_INITIALIZING : CONTAINER_CREATING;
    this.event('Normal', 'Pulling', pullingMessage(image), c);
    this.dirty();
    const epoch = ++c.epoch;
    this.kubelet.pull(ref, def, (result) => {
      if (c.epoch !== epoch || c.step !== 'pulling' || this.terminating) return;
      if ('error' in result) {
        const prev = c.pull;
        const expired = prev && this.now - prev.lastUpdate > BACKOFF_RESET_MS;
        const delay = prev && !expired ? Math.min(prev.delay * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS;
        c.pull = { delay, lastUpdate: this.now, until: this.now + delay };
        c.step = 'pullBackoff';
        c.waiting = { reason: 'ErrImagePull', message: result.error };
        this.event('Warning', 'Failed', `Failed to pull image "${image}": ${result.error}`, c);
        this.event('Warning', 'Failed', 'Error: ErrImagePull', c);
        this.dirty();
        this.after(SYNC_AFTER_ERROR_MS, () => this.pullBackoff(c), c);
        return;
      }
      c.pull = undefined;
      this.event(
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${goDuration(result.pullMs)} (${goDuration(result.totalMs)} including waiting). Image size: ${def!.sizeBytes} bytes.`,
        c,
      );
      this.create(c, ref, def!);
    });
  }

  private pullBackoff(c: ContainerState): void {
    if (!c.pull) return;
    c.step = 'pullBackoff';
    c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.specImage}"` };
    this.event('Normal', 'BackOff', `Back-off pulling image "${c.specImage}"`, c);
    this.event('Warning', 'Failed', 'Error: ImagePullBackOff', c);
    this.dirty();
    this.cancel(c, 'timers');
    this.after(
      Math.max(0, c.pull.until - this.now),
      () => {
        c.step = 'new';
        this.kick();
      },
      c,
    );
  }

  /** Environment and command; then Created and Started. */
  private create(c: ContainerState, ref: ImageRef, def: ImageDef): void {
    c.ref = ref;
    c.def = def;
    const resolved = resolveEnv({ store: this.ctx.store, pod: this.pod, container: c.spec, podIP: this.podIP, node: this.kubelet });
    if ('error' in resolved) {
      c.step = 'blocked';
      c.waiting = { reason: 'CreateContainerConfigError', message: resolved.error };
      this.event('Warning', 'Failed', `Error: ${resolved.error}`, c);
      this.dirty();
      this.after(
        RETRY_MS,
        () => {
          c.step = 'new';
          this.kick();
        },
        c,
      );
      return;
    }
    const run = new ContainerRun(this, def, c.spec, this.podIP, this.hostname(), resolved.env);
    const lookup = (n: string) => run.env.get(n);
    const command = c.spec.command ? (c.spec.command as unknown[]).map((x) => expandVars(String(x), lookup)) : undefined;
    const args = c.spec.args ? (c.spec.args as unknown[]).map((x) => expandVars(String(x), lookup)) : undefined;
    const p = plan(def, command, args);
    c.containerID = `containerd://${this.kubelet.random.hex(64)}`;
    c.run = run;
    this.event('Normal', 'Created', createdMessage(c.name), c);
    const startedAt = this.ctx.clock.iso();
    if ('startError' in p) {
      this.event('Warning', 'Failed', `Error: ${p.startError}`, c);
      this.finishRun(c, { exitCode: 128, reason: 'StartError', message: p.startError, startedAt: '1970-01-01T00:00:00Z', finishedAt: startedAt, containerID: c.containerID });
      return;
    }
    this.event('Normal', 'Started', startedMessage(c.name), c);
    c.step = 'running';
    c.startedAt = startedAt;
    c.stopReason = undefined;
    c.logs = [];
    c.partial = '';
    const epoch = ++c.epoch;
    c.proc = createProcess(this.processHost(c, epoch), p.mode, p.argv);
    this.startProbes(c);
    this.dirty();
    c.proc.start();
    this.checkMemory(c);
  }

  hostname(): string {
    // spec.hostname and the name are immutable: worked out once per pod.
    return (this.hostnameText ??= String(this.pod.spec?.hostname ?? this.name).slice(0, 63));
  }

  private hostnameText?: string;

  /** The files the kubelet and the image put in a container (ContainerRun makes them when first read). */
  baseFiles(def: ImageDef, podIP: string | undefined): Map<string, string | (() => string)> {
    const files = imageFiles(def);
    const ns = this.namespace;
    const domain = this.ctx.network.clusterDomain;
    const fqdn = this.pod.spec?.subdomain ? `${this.hostname()}.${this.pod.spec.subdomain}.${ns}.svc.${domain}` : '';
    files.set('/etc/hostname', `${this.hostname()}\n`);
    files.set('/etc/hosts', `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${podIP ?? ''}\t${fqdn ? `${fqdn}\t` : ''}${this.hostname()}\n`);
    const policy = this.pod.spec?.dnsPolicy ?? 'ClusterFirst';
    if ((policy === 'ClusterFirst' && !this.hostNetwork) || policy === 'ClusterFirstWithHostNet') {
      files.set('/etc/resolv.conf', `search ${ns}.svc.${domain} svc.${domain} ${domain}\nnameserver ${hostAddress(this.ctx.network.serviceCIDR, 10)}\noptions ndots:5\n`);
    } else files.set('/etc/resolv.conf', `nameserver ${hostAddress(this.ctx.network.nodeCIDR, 1)}\n`);
    if (this.pod.spec?.automountServiceAccountToken !== false) {
      const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
      files.set(`${dir}/namespace`, ns);
      // Keep only what the token names: capturing the whole pod would pin a stale copy of it per container.
      const p = this.pod;
      const pod = { metadata: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid }, spec: { serviceAccountName: p.spec?.serviceAccountName } } as KObject;
      files.set(`${dir}/token`, () => this.kubelet.token(pod));
      files.set(`${dir}/ca.crt`, CLUSTER_CA_CERT);
    }
    return files;
  }

  mounts(spec: any): Mount[] {
    const out: Mount[] = [];
    for (const m of spec.volumeMounts ?? []) {
      const v = this.volumes?.get(m.name);
      if (v) out.push({ mountPath: m.mountPath, volume: v, subPath: m.subPath, readOnly: m.readOnly });
    }
    return out;
  }

  private processHost(c: ContainerState, epoch: number): ProcessHost {
    return new ContainerHost(this, c, epoch);
  }

  /** The container's process ended (its host's `exit`). */
  processExited(c: ContainerState, code: number, reason?: 'Error' | 'Completed' | 'OOMKilled'): void {
    this.finishRun(c, { exitCode: code, reason: reason ?? (code === 0 ? 'Completed' : 'Error'), startedAt: c.startedAt!, finishedAt: this.ctx.clock.iso(), containerID: c.containerID });
  }

  /** A timer of the container's own program: it keeps running while the kubelet is stopped. */
  processAfter(c: ContainerState, epoch: number, ms: number, fn: () => void): void {
    const t = this.ctx.clock.after(ms, () => {
      untrack(c, 'timers', t);
      if (c.epoch === epoch) fn();
    });
    track(c, 'timers', t);
  }

  memoryChanged(c: ContainerState): void {
    this.checkMemory(c);
  }

  /** The kernel's OOM killer: a container over its memory limit is killed with SIGKILL (137). */
  private checkMemory(c: ContainerState): void {
    if (c.step !== 'running' || !c.proc) return;
    const lim = c.spec.resources?.limits?.memory;
    if (lim === undefined) return;
    const limit = value(lim);
    if (Number.isFinite(limit) && c.proc.memoryBytes() > limit) {
      this.finishRun(c, { exitCode: 137, reason: 'OOMKilled', startedAt: c.startedAt!, finishedAt: this.ctx.clock.iso(), containerID: c.containerID });
    }
  }

  /** A container's run ended: record it, then decide (in sync) whether and when it restarts. */
  private finishRun(c: ContainerState, t: Terminated): void {
    c.epoch++;
    this.cancel(c, 'timers');
    this.cancel(c, 'probeTimers');
    c.proc = undefined;
    c.readiness = undefined;
    c.ready = false;
    c.started = false;
    c.terminated = t;
    c.step = 'exited';
    if (c.partial) {
      c.logs.push(c.partial);
      c.partial = '';
    }
    this.dirty();
    this.kick();
  }

  /** Restart through the crash-loop back-off (kubelet's doBackOff). */
  private restart(c: ContainerState): void {
    const finished = c.terminated ? this.ctx.clock.parseIso(c.terminated.finishedAt) : this.now;
    if (c.stopReason === 'spec') {
      this.restartNow(c);
      return;
    }
    if (c.crash && this.now - c.crash.lastUpdate > BACKOFF_RESET_MS) c.crash = undefined;
    if (!c.crash) {
      c.crash = { delay: BACKOFF_INITIAL_MS, lastUpdate: this.now };
      this.restartNow(c);
      return;
    }
    const wait = finished + c.crash.delay - this.now;
    if (wait <= 0) {
      c.crash = { delay: Math.min(c.crash.delay * 2, BACKOFF_MAX_MS), lastUpdate: this.now };
      this.restartNow(c);
      return;
    }
    c.step = 'crashBackoff';
    const podRef = `${this.name}_${this.namespace}(${this.uid})`;
    c.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(c.crash.delay)} restarting failed container=${c.name} pod=${podRef}` };
    this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef}`, c);
    this.dirty();
    this.after(
      wait,
      () => {
        c.crash = { delay: Math.min(c.crash!.delay * 2, BACKOFF_MAX_MS), lastUpdate: this.now };
        this.restartNow(c);
      },
      c,
    );
  }

  private restartNow(c: ContainerState): void {
    c.lastTerminated = c.terminated;
    c.terminated = undefined;
    c.prevLogs = c.logs;
    c.logs = [];
    c.restartCount++;
    c.stopReason = undefined;
    c.step = 'new';
    this.startContainer(c);
  }

  /** SIGTERM now, SIGKILL at the grace period. */
  private stopContainer(c: ContainerState, why: 'probe' | 'spec' | 'delete', graceSeconds?: number): void {
    if (c.step !== 'running' || !c.proc) return;
    c.step = 'stopping';
    if (why !== 'delete') c.stopReason = why;
    this.cancel(c, 'probeTimers');
    c.ready = false;
    this.dirty();
    const grace = graceSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    const epoch = c.epoch;
    this.after(
      grace * 1000,
      () => {
        if (c.epoch === epoch && c.step === 'stopping') {
          this.finishRun(c, { exitCode: 137, reason: 'Error', startedAt: c.startedAt!, finishedAt: this.ctx.clock.iso(), containerID: c.containerID });
        }
      },
      undefined,
    );
    c.proc.term();
  }

  // ---- probes ----

  private startProbes(c: ContainerState): void {
    const { startupProbe, readinessProbe } = c.spec;
    c.started = !startupProbe;
    c.ready = !readinessProbe && c.started;
    if (readinessProbe) c.readiness = new ProbeCounter(probeSettings(readinessProbe), false);
    if (startupProbe) this.probeLoop(c, 'Startup', startupProbe);
    else this.afterStarted(c);
  }

  private afterStarted(c: ContainerState): void {
    if (c.spec.livenessProbe) this.probeLoop(c, 'Liveness', c.spec.livenessProbe);
    if (c.spec.readinessProbe) this.probeLoop(c, 'Readiness', c.spec.readinessProbe);
    else c.ready = true;
    this.dirty();
  }

  private probeLoop(c: ContainerState, kind: ProbeKind, probe: any): void {
    const s = probeSettings(probe);
    const counter = kind === 'Readiness' ? c.readiness! : new ProbeCounter(s, kind === 'Liveness');
    const epoch = c.epoch;
    const tick = () => {
      if (c.epoch !== epoch || c.step !== 'running') return;
      const r = runProbe(probe, this.probeTarget(c));
      if (!r.ok) this.event('Warning', 'Unhealthy', `${kind} probe failed: ${r.message}`, c);
      const flipped = counter.record(r.ok);
      if (kind === 'Readiness' && flipped) {
        c.ready = counter.result;
        this.dirty();
      }
      if (kind === 'Startup' && flipped && counter.result) {
        c.started = true;
        this.cancelProbe(c, t);
        this.afterStarted(c);
        return;
      }
      if ((kind === 'Liveness' || kind === 'Startup') && counter.failed) {
        this.event('Normal', 'Killing', `Container ${c.name} failed ${kind.toLowerCase()} probe, will be restarted`, c);
        this.stopContainer(c, 'probe', probe.terminationGracePeriodSeconds);
        return;
      }
      t = schedule(s.periodSeconds * 1000);
    };
    const schedule = (ms: number): Timer => {
      const timer = this.ctx.clock.after(ms, () => {
        untrack(c, 'probeTimers', timer);
        // Probes are the kubelet's: a stopped kubelet probes nothing.
        if (this.kubelet.running) tick();
        else t = schedule(s.periodSeconds * 1000);
      });
      track(c, 'probeTimers', timer);
      return timer;
    };
    let t = schedule(s.initialDelaySeconds * 1000);
  }

  private cancelProbe(c: ContainerState, t: Timer): void {
    t.cancel();
    untrack(c, 'probeTimers', t);
  }

  private probeTarget(c: ContainerState): ProbeTarget {
    return {
      ip: this.podIP ?? '',
      serve: (port, protocol, path, headers) => this.serve(port, protocol, path !== undefined ? { path, headers } : undefined),
      exec: (argv) => this.exec(c, argv),
      resolvePort: (port) => {
        if (typeof port === 'number') return port;
        if (/^\d+$/.test(String(port))) return Number(port);
        for (const x of this.containers) {
          const p = (x.spec.ports ?? []).find((pp: any) => pp.name === port);
          if (p) return p.containerPort;
        }
        return undefined;
      },
    };
  }

  // ---- what the runtime offers others ----

  serve(port: number, protocol: 'TCP' | 'UDP', req?: { path?: string; method?: string; host?: string; headers?: Record<string, string> }): { container: string; http?: { status: number; body: string } } | undefined {
    if (!this.sandboxReady) return undefined;
    for (const c of this.containers) {
      if ((c.step !== 'running' && c.step !== 'stopping') || !c.proc) continue;
      const r = c.proc.serve(port, protocol, req);
      if (r) return { container: c.name, ...r };
    }
    return undefined;
  }

  exec(c: ContainerState, argv: string[], stdin?: string): ExecResult {
    // kube-proxy's image has no shell, but it does carry iptables: in a host-network pod the rules it
    // shows are the node's, which the network layer keeps.
    if (this.pod.spec?.hostNetwork && (argv[0] === 'iptables-save' || argv[0] === 'iptables')) {
      const r = this.kubelet.netexec(this.namespace, this.name, argv);
      if (r) return r;
    }
    const host: ShellHost = {
      fs: c.fs!,
      env: new Map(c.env),
      hostname: this.hostname(),
      wallMs: () => this.kubelet.wallMs(),
      net: (a) => this.kubelet.netexec(this.namespace, this.name, a),
      random: () => this.kubelet.random.next(),
      apkRelease: alpineRelease(c.specImage),
    };
    return execIn(host, c.def!, argv, stdin);
  }

  usage(): { cpuMillis: number; memoryBytes: number } {
    const now = this.kubelet.wallMs();
    let cpuMillis = 0;
    let memoryBytes = 0;
    for (const c of this.containers) {
      if (!c.proc || (c.step !== 'running' && c.step !== 'stopping')) continue;
      cpuMillis += c.proc.cpuMillis(now);
      memoryBytes += c.proc.memoryBytes();
    }
    return { cpuMillis, memoryBytes };
  }

  // ---- termination ----

  private syncTermination(): void {
    if (!this.terminating) {
      this.terminating = true;
      this.cancel(this, 'timers');
      const deadline = this.pod.metadata.deletionTimestamp ? this.ctx.clock.parseIso(this.pod.metadata.deletionTimestamp) : this.now;
      for (const c of this.containers) {
        this.cancel(c, 'probeTimers');
        const grace = Math.max(0, Math.ceil((deadline - this.now) / 1000));
        if (c.step === 'running') {
          this.event('Normal', 'Killing', `Stopping container ${c.name}`, c);
          this.stopContainer(c, 'delete', grace);
        } else if (c.step === 'stopping') {
          // Already stopping (a liveness restart): SIGKILL no later than the pod's deadline.
          const epoch = c.epoch;
          this.after(grace * 1000, () => {
            if (c.epoch === epoch && c.step === 'stopping') {
              this.finishRun(c, { exitCode: 137, reason: 'Error', startedAt: c.startedAt!, finishedAt: this.ctx.clock.iso(), containerID: c.containerID });
            }
          });
        } else if (c.step !== 'exited') {
          this.cancel(c, 'timers');
          c.epoch++;
        }
      }
      this.dirty();
    }
    if (this.containers.some((c) => c.step === 'running' || c.step === 'stopping')) return;
    this.finish();
  }

  /** Every container stopped: the final status, then the kubelet deletes the pod for good. */
  private finish(): void {
    if (this.finished) return;
    this.kubelet.flushNow(this);
    this.teardown();
    this.ctx.api.remove('Pod', this.namespace, this.name);
  }

  /** Forget everything (the pod is gone from the API). */
  teardown(): void {
    if (this.finished) return;
    this.finished = true;
    this.cancel(this, 'timers');
    if (this.mountRetry) this.mountRetry.cancel();
    for (const c of this.containers) {
      c.epoch++;
      this.cancel(c, 'timers');
      this.cancel(c, 'probeTimers');
      c.proc = undefined;
    }
    if (this.ip && this.sandboxReady) this.kubelet.releaseIP(this.ip);
    this.sandboxReady = false;
    this.kubelet.forget(this);
  }
}


/** Append program output to a container's log, line by line. */
/**
 * What a container's process sees of its pod. One object with methods rather than a dozen closures:
 * thousands of containers run at once, and closures cost hundreds of bytes each.
 */
class ContainerHost implements ProcessHost {
  private readonly run: ContainerRun;
  readonly hostname: string;
  readonly podName: string;
  readonly namespace: string;
  readonly image: ImageDef;
  readonly imageLabel: string;
  readonly apkRelease?: string;
  readonly cpuLimitMillis?: number;

  constructor(
    private readonly w: PodWorker,
    private readonly c: ContainerState,
    private readonly epoch: number,
  ) {
    const limit = c.spec.resources?.limits ?? {};
    this.run = c.run!;
    this.hostname = w.hostname();
    this.podName = w.name;
    this.namespace = w.namespace;
    this.image = c.def!;
    this.imageLabel = imageLabel(c.specImage);
    this.apkRelease = alpineRelease(c.specImage);
    this.cpuLimitMillis = limit.cpu !== undefined ? milliValue(limit.cpu) : undefined;
  }

  get fs(): ContainerFS {
    return this.run.fs;
  }

  get env(): Map<string, string> {
    return this.run.env;
  }

  wallMs(): number {
    return this.w.kubelet.wallMs();
  }

  net(argv: string[]): ExecResult | undefined {
    return this.w.kubelet.netexec(this.w.namespace, this.w.name, argv);
  }

  random(): number {
    return this.w.kubelet.random.next();
  }

  podIP(): string | undefined {
    return this.w.podIP;
  }

  log(text: string): void {
    if (this.c.epoch === this.epoch) appendLog(this.c, text);
  }

  exit(code: number, reason?: 'Error' | 'Completed' | 'OOMKilled'): void {
    if (this.c.epoch === this.epoch) this.w.processExited(this.c, code, reason);
  }

  after(ms: number, fn: () => void): void {
    if (this.c.epoch === this.epoch) this.w.processAfter(this.c, this.epoch, ms, fn);
  }

  memoryChanged(): void {
    if (this.c.epoch === this.epoch) this.w.memoryChanged(this.c);
  }
}

type TimerKey = 'timers' | 'probeTimers';
/** A holder's pending timers: none, the one (most often: a pod's sandbox, a probe), or a set of several. */
type Timers = Timer | Set<Timer>;
type TimerHolder = { timers?: Timers; probeTimers?: Timers };

/**
 * Timer sets exist only while they hold two timers or more: 10,000 running pods with nothing pending
 * would otherwise keep 30,000 empty sets, and most pods have one timer at a time. A timer is always
 * its holder's current one or in its current set (a set is dropped only once empty), so removing it
 * from there is removing it from where it joined.
 */
function track(holder: TimerHolder, key: TimerKey, t: Timer): void {
  const held = holder[key];
  if (!held) holder[key] = t;
  else if (held instanceof Set) held.add(t);
  else holder[key] = new Set([held, t]);
}

function untrack(holder: TimerHolder, key: TimerKey, t: Timer): void {
  const held = holder[key];
  if (held === t) holder[key] = undefined;
  else if (held instanceof Set) {
    held.delete(t);
    if (!held.size) holder[key] = undefined;
  }
}

function appendLog(c: ContainerState, text: string): void {
  if (!c.partial && text.endsWith('\n')) {
    // Whole lines: the same text (a program's start-up lines) is split once for every container.
    let lines = recentTexts.get(text);
    if (!lines) {
      if (recentTexts.size >= RECENT_TEXTS_MAX) recentTexts.clear();
      const parts = text.split('\n');
      parts.pop();
      recentTexts.set(text, (lines = parts.map(sharedLine)));
    }
    for (const line of lines) c.logs.push(line);
  } else {
    const parts = (c.partial + text).split('\n');
    c.partial = parts.pop() ?? '';
    for (const line of parts) c.logs.push(sharedLine(line));
  }
  if (c.logs.length > LOG_LIMIT) c.logs.splice(0, c.logs.length - LOG_LIMIT);
}

/** Texts of whole lines recently logged, split into their (shared) lines. */
const recentTexts = new Map<string, readonly string[]>();
const RECENT_TEXTS_MAX = 256;

/**
 * Log lines repeat across containers (10,000 nginx replicas print the same start-up lines, the
 * timestamped ones shared within a second). Keep one copy of each recent line: each container's
 * own copy, split from the text it came in, would also hold on to that whole text.
 */
const recentLines = new Map<string, string>();
const RECENT_LINES_MAX = 4096;

function sharedLine(line: string): string {
  const seen = recentLines.get(line);
  if (seen !== undefined) return seen;
  if (recentLines.size >= RECENT_LINES_MAX) recentLines.clear();
  recentLines.set(line, line);
  return line;
}

/** `nginx:1.25` as `nginx:1.25`, `registry/x/web:1` as `web:1`: the label web servers print. */
export function imageLabel(image: string): string {
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? last : `${last}:latest`;
}

/** A duration as Go's time.Duration prints it: `500ms`, `2.345s`, `1m5s`, `5m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  // Whole milliseconds (every duration the kubelet measures) divide to a number that already prints
  // with at most three decimals, exactly as the rounded text would: no toFixed round trip.
  const whole = Number.isInteger(ms);
  const trim = (n: number) => (whole ? String(n) : String(Number(n.toFixed(3))));
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${m}m${trim(s)}s`;
}

/**
 * Event messages every pod of a workload repeats (same image, same container name), each text
 * built once. Keyed on the image reference or container name the message is made of, so a cached
 * text is always the one a fresh build would give.
 */
function messageCache(build: (key: string) => string): (key: string) => string {
  const texts = new Map<string, string>();
  return (key) => {
    let text = texts.get(key);
    if (text === undefined) texts.set(key, (text = build(key)));
    return text;
  };
}

const alreadyPresentMessage = messageCache((image) => `Container image "${image}" already present on machine`);
const pullingMessage = messageCache((image) => `Pulling image "${image}"`);
const createdMessage = messageCache((name) => `Created container ${name}`);
const startedMessage = messageCache((name) => `Started container ${name}`);
