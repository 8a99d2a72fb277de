/**
 * The image catalog: every image a simulated container can run, as plain data (a lab or a
 * ClusterSpec can add its own), with image references normalised the way containerd does
 * (`nginx` → `docker.io/library/nginx:latest`) and deterministic digests for `imageID`.
 * An image that is not here does not exist: pulling it fails, which is how ImagePullBackOff is taught.
 */

/** What a port of an image answers. `http` maps a path to a body (200); `'*'` answers every path. */
export type ListenDef = { port: number; protocol?: 'TCP' | 'UDP'; http?: Record<string, string> };

/** The built-in programs images run (see container.ts). */
export type ProgramName =
  | 'web' // Hello from <pod> (<image>) on 8080
  | 'nginx' // static files from /usr/share/nginx/html on 80
  | 'httpd' // It works! on 80
  | 'http-echo' // -text= on 5678
  | 'agnhost' // serve-hostname, netexec, liveness, pause …
  | 'liveness' // /healthz 200 for 10 s, then 500
  | 'php-apache' // OK! on 80, CPU per request
  | 'shell' // busybox/alpine: runs command/args as a small shell
  | 'daemon' // listens on its ports until stopped
  | 'stress' // polinux/stress: allocates --vm-bytes
  | 'loadgen'; // sends requests to $TARGET at $QPS

export type ImageDef = {
  /** Repository as containerd names it, or a short name that normalises to it (`nginx`). */
  repository: string;
  tags: string[];
  /** Compressed size, as the node reports it in status.images and the Pulled event. */
  sizeBytes: number;
  program: ProgramName;
  /** Ports the default program listens on. */
  listen?: ListenDef[];
  /** The image has /bin/sh: a `command` runs through the shell, and `kubectl exec -- sh` works. */
  shell?: boolean;
  /** Default command (CMD) when the pod gives none (shell images). */
  cmd?: string[];
  /** Image ENV. */
  env?: Record<string, string>;
  /** Baseline use of a running container. */
  memoryBytes?: number;
  cpuMillis?: number;
  /** The program exits with this code after this long (web:crash). */
  exitAfterMs?: number;
  exitCode?: number;
  /** The entrypoint refuses to start unless one of these variables is set (mysql, postgres). */
  requiredEnv?: { anyOf: string[]; log: string[] };
  /** The program keeps running through SIGTERM until SIGKILL (a shell as PID 1 does). */
  ignoresSigterm?: boolean;
  /** Pre-pulled on every node (the system images kubeadm pulls). */
  system?: boolean;
};

export type ImageRef = { full: string; repository: string; tag: string; digest?: string };

const MB = 1_000_000;
const MiB = 1 << 20;

const NGINX_TAGS = ['latest', '1.25', '1.26', 'alpine', '1.14.2', '1.7.9', '1.27', 'stable'];
const BUSYBOX_TAGS = ['latest', '1.28', '1.36', '1.35', 'stable'];

const web = (tag: string, extra: Partial<ImageDef> = {}): ImageDef => ({
  repository: 'docker.io/library/web',
  tags: [tag],
  sizeBytes: 12 * MB + Number(tag.length) * 137_000,
  program: 'web',
  listen: [{ port: 8080 }],
  shell: true,
  memoryBytes: 8 * MiB,
  cpuMillis: 1,
  ...extra,
});

const k8s = (name: string, tag: string, size: number, listen: ListenDef[], memory: number, cpu: number, extra: Partial<ImageDef> = {}): ImageDef => ({
  repository: `registry.k8s.io/${name}`,
  tags: [tag],
  sizeBytes: size,
  program: 'daemon',
  listen,
  memoryBytes: memory,
  cpuMillis: cpu,
  system: true,
  ...extra,
});

/** Every image the workshops and the bootstrap use. */
export const DEFAULT_IMAGES: ImageDef[] = [
  web('1'),
  web('2'),
  web('3'),
  web('crash', { exitAfterMs: 1000, exitCode: 1 }),
  { repository: 'gcr.io/google-samples/gb-frontend', tags: ['v3', 'v4', 'v5'], sizeBytes: 132 * MB, program: 'web', listen: [{ port: 80 }], shell: true, memoryBytes: 20 * MiB, cpuMillis: 1 },
  { repository: 'docker.io/library/gb-frontend', tags: ['v3', 'v4'], sizeBytes: 132 * MB, program: 'web', listen: [{ port: 80 }], shell: true, memoryBytes: 20 * MiB, cpuMillis: 1 },
  { repository: 'docker.io/library/nginx', tags: NGINX_TAGS, sizeBytes: 70 * MB, program: 'nginx', listen: [{ port: 80 }], shell: true, memoryBytes: 4 * MiB, cpuMillis: 1, env: { NGINX_VERSION: '1.25.5' } },
  { repository: 'docker.io/library/httpd', tags: ['latest', '2.4', 'alpine'], sizeBytes: 58 * MB, program: 'httpd', listen: [{ port: 80 }], shell: true, memoryBytes: 6 * MiB, cpuMillis: 1 },
  { repository: 'docker.io/hashicorp/http-echo', tags: ['latest', '1.0', '0.2.3'], sizeBytes: 3_900_000, program: 'http-echo', listen: [{ port: 5678 }], memoryBytes: 2 * MiB, cpuMillis: 1 },
  { repository: 'registry.k8s.io/e2e-test-images/agnhost', tags: ['2.39', '2.40', '2.43', '2.45', '2.47', '2.52', 'latest'], sizeBytes: 51 * MB, program: 'agnhost', shell: true, memoryBytes: 6 * MiB, cpuMillis: 1 },
  { repository: 'registry.k8s.io/liveness', tags: ['latest'], sizeBytes: 2_300_000, program: 'liveness', listen: [{ port: 8080 }], memoryBytes: 2 * MiB, cpuMillis: 1 },
  { repository: 'registry.k8s.io/hpa-example', tags: ['latest'], sizeBytes: 178 * MB, program: 'php-apache', listen: [{ port: 80 }], shell: true, memoryBytes: 10 * MiB, cpuMillis: 1 },
  { repository: 'docker.io/library/busybox', tags: BUSYBOX_TAGS, sizeBytes: 2_160_000, program: 'shell', shell: true, cmd: ['sh'], memoryBytes: 400_000, ignoresSigterm: true },
  { repository: 'registry.k8s.io/busybox', tags: ['latest', '1.27', '1.27.2', '1.28', '1.36'], sizeBytes: 1_140_000, program: 'shell', shell: true, cmd: ['sh'], memoryBytes: 400_000, ignoresSigterm: true },
  { repository: 'gcr.io/google-containers/busybox', tags: ['latest', '1.27'], sizeBytes: 1_140_000, program: 'shell', shell: true, cmd: ['sh'], memoryBytes: 400_000, ignoresSigterm: true },
  { repository: 'docker.io/library/alpine', tags: ['latest', '3.19', '3.20', '3.18'], sizeBytes: 3_400_000, program: 'shell', shell: true, cmd: ['/bin/sh'], memoryBytes: 500_000, ignoresSigterm: true },
  { repository: 'docker.io/library/debian', tags: ['latest', 'bookworm', '12'], sizeBytes: 49 * MB, program: 'shell', shell: true, cmd: ['bash'], memoryBytes: 1 * MiB, ignoresSigterm: true },
  { repository: 'docker.io/library/ubuntu', tags: ['latest', '22.04', '24.04'], sizeBytes: 29 * MB, program: 'shell', shell: true, cmd: ['/bin/bash'], memoryBytes: 1 * MiB, ignoresSigterm: true },
  { repository: 'docker.io/curlimages/curl', tags: ['latest', '8.7.1', '8.8.0'], sizeBytes: 10 * MB, program: 'shell', shell: true, cmd: ['curl'], memoryBytes: 1 * MiB, ignoresSigterm: true },
  { repository: 'docker.io/library/redis', tags: ['latest', '7', '7.2', 'alpine'], sizeBytes: 45 * MB, program: 'daemon', listen: [{ port: 6379 }], shell: true, memoryBytes: 3 * MiB, cpuMillis: 2 },
  {
    repository: 'docker.io/library/mysql',
    tags: ['latest', '8', '8.0', '8.4', '5.7'],
    sizeBytes: 170 * MB,
    program: 'daemon',
    listen: [{ port: 3306 }, { port: 33060 }],
    shell: true,
    memoryBytes: 380 * MiB,
    cpuMillis: 5,
    requiredEnv: {
      anyOf: ['MYSQL_ROOT_PASSWORD', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD'],
      log: [
        '[Entrypoint]: Entrypoint script for MySQL Server 8.4.0-1.el9 started.',
        '[Entrypoint]: ERROR: Database is uninitialized and password option is not specified',
        '    You need to specify one of the following as an environment variable:',
        '    - MYSQL_ROOT_PASSWORD',
        '    - MYSQL_ALLOW_EMPTY_PASSWORD',
        '    - MYSQL_RANDOM_ROOT_PASSWORD',
      ],
    },
  },
  {
    repository: 'docker.io/library/postgres',
    tags: ['latest', '16', '15', '16-alpine'],
    sizeBytes: 150 * MB,
    program: 'daemon',
    listen: [{ port: 5432 }],
    shell: true,
    memoryBytes: 30 * MiB,
    cpuMillis: 2,
    requiredEnv: {
      anyOf: ['POSTGRES_PASSWORD', 'POSTGRES_HOST_AUTH_METHOD'],
      log: [
        'Error: Database is uninitialized and superuser password is not specified.',
        '       You must specify POSTGRES_PASSWORD to a non-empty value for the',
        '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
      ],
    },
  },
  { repository: 'docker.io/library/mongo', tags: ['latest', '7', '6'], sizeBytes: 250 * MB, program: 'daemon', listen: [{ port: 27017 }], shell: true, memoryBytes: 150 * MiB, cpuMillis: 5 },
  { repository: 'docker.io/polinux/stress', tags: ['latest'], sizeBytes: 4_100_000, program: 'stress', shell: true, memoryBytes: 1 * MiB },
  { repository: 'docker.io/podium/load-generator', tags: ['latest', '1'], sizeBytes: 6 * MB, program: 'loadgen', shell: true, memoryBytes: 4 * MiB, cpuMillis: 5 },
  { repository: 'registry.k8s.io/pause', tags: ['3.9', '3.8', '3.10'], sizeBytes: 321_520, program: 'daemon', memoryBytes: 200_000, system: true },
  // The control plane and system add-ons (bootstrap.ts), pre-pulled as kubeadm does.
  k8s('etcd', '3.5.12-0', 57 * MB, [{ port: 2379 }, { port: 2380 }, { port: 2381, http: { '/health': '{"health":"true","reason":""}', '/readyz': 'ok', '/livez': 'ok' } }], 40 * MiB, 20),
  k8s('kube-apiserver', 'v1.30.2', 32 * MB, [{ port: 6443, http: { '/livez': 'ok', '/readyz': 'ok', '/healthz': 'ok' } }], 250 * MiB, 50),
  k8s('kube-controller-manager', 'v1.30.2', 31 * MB, [{ port: 10257, http: { '/healthz': 'ok' } }], 50 * MiB, 15),
  k8s('kube-scheduler', 'v1.30.2', 19 * MB, [{ port: 10259, http: { '/healthz': 'ok', '/livez': 'ok', '/readyz': 'ok' } }], 20 * MiB, 5),
  k8s('kube-proxy', 'v1.30.2', 29 * MB, [{ port: 10256, http: { '/healthz': 'ok', '/livez': 'ok' } }, { port: 10249, http: { '/metrics': '' } }], 15 * MiB, 2),
  { repository: 'docker.io/flannel/flannel', tags: ['v0.25.1'], sizeBytes: 31 * MB, program: 'daemon', memoryBytes: 12 * MiB, cpuMillis: 2, system: true },
  { repository: 'docker.io/flannel/flannel-cni-plugin', tags: ['v1.4.0-flannel1'], sizeBytes: 4 * MB, program: 'daemon', memoryBytes: 1 * MiB, system: true },
  k8s(
    'coredns/coredns',
    'v1.11.1',
    18 * MB,
    [{ port: 53, protocol: 'UDP' }, { port: 53 }, { port: 8080, http: { '/health': 'OK' } }, { port: 8181, http: { '/ready': 'OK' } }, { port: 9153, http: { '/metrics': '' } }],
    15 * MiB,
    2,
  ),
  k8s('ingress-nginx/controller', 'v1.10.0', 105 * MB, [{ port: 80 }, { port: 443 }, { port: 8443 }, { port: 10254, http: { '/healthz': 'ok', '/metrics': '' } }], 90 * MiB, 3),
  k8s('ingress-nginx/kube-webhook-certgen', 'v1.4.0', 23 * MB, [], 5 * MiB, 1),
  k8s('metrics-server/metrics-server', 'v0.7.1', 19 * MB, [{ port: 10250, http: { '/livez': 'ok', '/readyz': 'ok' } }, { port: 4443, http: { '/livez': 'ok', '/readyz': 'ok' } }], 20 * MiB, 3),
  k8s('autoscaling/cluster-autoscaler', 'v1.30.0', 30 * MB, [{ port: 8085, http: { '/health-check': 'OK' } }], 25 * MiB, 3),
];

const REF = /^(?:([a-zA-Z0-9.-]+(?::\d+)?)\/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/**
 * Normalise an image reference as containerd does: a name without a registry is on docker.io, a
 * one-part name is in `library/`, and no tag means `latest`. Returns an error message shaped like
 * the kubelet's InvalidImageName one when the reference cannot be parsed.
 */
export function normalizeImage(image: string): ImageRef | { error: string } {
  let r = parsed.get(image);
  if (!r) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(image, (r = parseImage(image)));
  }
  return r;
}

/**
 * References parsed so far, by the text of the image (every container start parses its image, and
 * thousands of replicas name the same one). The result depends on the text alone and is never
 * modified, so one copy serves them all.
 */
const parsed = new Map<string, ImageRef | { error: string }>();
const PARSED_MAX = 1024;

function parseImage(image: string): ImageRef | { error: string } {
  const m = REF.exec(image ?? '');
  if (!image || !m) {
    const why = image && image.toLowerCase() !== image ? 'repository name must be lowercase' : 'invalid reference format';
    return { error: `Failed to apply default image tag "${image ?? ''}": couldn't parse image reference "${image ?? ''}": invalid reference format${why === 'invalid reference format' ? '' : `: ${why}`}` };
  }
  let registry: string | undefined = m[1];
  let path = m[2];
  const tag = m[3];
  const digest = m[4];
  // The first component is a registry only if it looks like a host (has a dot or port, or is localhost).
  if (registry && !/[.:]/.test(registry) && registry !== 'localhost') {
    path = `${registry}/${path}`;
    registry = undefined;
  }
  if (registry && registry.toLowerCase() !== registry) return { error: `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": invalid reference format` };
  registry = registry ?? 'docker.io';
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const repository = `${registry}/${path}`;
  const t = tag ?? (digest ? '' : 'latest');
  const full = digest ? `${repository}${t ? `:${t}` : ''}@${digest}` : `${repository}:${t}`;
  return { full, repository, tag: t, ...(digest ? { digest } : {}) };
}

/** A deterministic 64-hex-digit digest of a text (FNV-1a lanes; not cryptographic, only stable). */
export function fakeDigest(text: string): string {
  let out = '';
  for (let lane = 0; lane < 8; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h = (h ^ (h >>> 12)) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

export class ImageCatalog {
  private readonly byRepo = new Map<string, ImageDef[]>();

  constructor(images: readonly ImageDef[] = DEFAULT_IMAGES) {
    for (const def of images) this.add(def);
  }

  /** Add an image (later definitions of the same repository and tag win). */
  add(def: ImageDef): void {
    const ref = normalizeImage(def.repository);
    const repo = 'error' in ref ? def.repository : ref.repository;
    const list = this.byRepo.get(repo) ?? [];
    list.unshift({ ...def, repository: repo });
    this.byRepo.set(repo, list);
  }

  /** The image a reference names, or undefined when no such image exists anywhere. */
  lookup(ref: ImageRef): ImageDef | undefined {
    const list = this.byRepo.get(ref.repository);
    if (!list) return undefined;
    if (ref.digest && !ref.tag) return list.find((d) => d.tags.some((t) => digestOf(d.repository, t) === ref.digest));
    return list.find((d) => d.tags.includes(ref.tag) || d.tags.includes('*'));
  }

  /** The image-id digest of a resolved reference. */
  imageID(ref: ImageRef): string {
    let id = this.ids.get(ref);
    if (id === undefined) this.ids.set(ref, (id = `${ref.repository}@${ref.digest ?? digestOf(ref.repository, ref.tag)}`));
    return id;
  }

  /** imageID per reference object: a reference is never edited and its ID depends on it alone. */
  private readonly ids = new WeakMap<ImageRef, string>();

  /** Every reference that is pre-pulled on every node. */
  systemImages(): ImageRef[] {
    const out: ImageRef[] = [];
    for (const list of this.byRepo.values()) {
      for (const def of list) {
        if (!def.system) continue;
        for (const tag of def.tags) out.push({ full: `${def.repository}:${tag}`, repository: def.repository, tag });
      }
    }
    return out;
  }
}

const digests = new Map<string, string>();

export function digestOf(repository: string, tag: string): string {
  const key = `${repository}:${tag}`;
  let d = digests.get(key);
  if (!d) digests.set(key, (d = `sha256:${fakeDigest(key)}`));
  return d;
}
