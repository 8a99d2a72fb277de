/**
 * What runs inside a simulated container: the image's program (a web server, a database, a shell
 * running the pod's command, stress, …). A process logs, listens on ports and answers requests,
 * uses memory and CPU, reacts to SIGTERM, and exits with a code. The kubelet (pod-worker.ts) owns
 * its lifecycle; the process only reports through its host.
 */
import type { HttpRequest, ExecResult } from './runtime';
import type { ContainerFS } from './fs';
import type { ImageDef } from './images';
import { Shell, NETWORK_COMMANDS, runToEnd, type ShellHost } from './shell';

export type ProcessHost = ShellHost & {
  podName: string;
  namespace: string;
  podIP(): string | undefined;
  image: ImageDef;
  /** The tag as the pod asked for it, for bodies such as `Hello from web-1 (web:1)`. */
  imageLabel: string;
  log(text: string): void;
  /** The process ended. */
  exit(code: number, reason?: 'Error' | 'Completed' | 'OOMKilled'): void;
  /** A timer owned by the container (cancelled when it stops). */
  after(ms: number, fn: () => void): void;
  /** Memory use changed (the kubelet checks it against the limit). */
  memoryChanged(): void;
  cpuLimitMillis?: number;
};

export type Response = { status: number; body: string };

export interface Process {
  start(): void;
  /** SIGTERM. The process exits (through host.exit) or ignores it and waits for SIGKILL. */
  term(): void;
  /** What a connection gets: undefined when nothing listens; `{}` for a non-HTTP listener. */
  serve(port: number, protocol: 'TCP' | 'UDP', req?: HttpRequest): { http?: Response } | undefined;
  memoryBytes(): number;
  cpuMillis(now: number): number;
}

/** Seconds of CPU one request costs, per program (php-apache burns CPU on purpose). */
const REQUEST_CPU_MS: Partial<Record<ImageDef['program'], number>> = { 'php-apache': 5 };

const SHELL_BUILTINS = new Set([
  'sh', 'bash', 'ash', 'echo', 'printf', 'sleep', 'true', 'false', 'exit', 'cat', 'touch', 'rm', 'ls', 'mkdir', 'env', 'printenv',
  'date', 'hostname', 'whoami', 'id', 'uname', 'test', '[', 'grep', 'head', 'tail', 'wc', 'seq', 'expr', 'tee', 'pwd', 'export',
]);

/** Binaries an image's own program answers to, when a pod names them in `command`. */
const PROGRAM_BINARIES: Partial<Record<ImageDef['program'], string[]>> = {
  nginx: ['nginx', 'docker-entrypoint.sh'],
  httpd: ['httpd', 'httpd-foreground', 'apachectl'],
  'http-echo': ['http-echo'],
  agnhost: ['agnhost'],
  liveness: ['server'],
  'php-apache': ['apache2-foreground', 'docker-php-entrypoint'],
  stress: ['stress'],
  web: ['web', 'server'],
  loadgen: ['loadgen', 'load-generator'],
};

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Requests served per second over the last 10 s, for CPU use. */
class RequestMeter {
  /** Made on the first request: most of ten thousand containers never serve one. */
  private buckets?: Map<number, number>;
  hit(now: number): void {
    const s = Math.floor(now / 1000);
    const buckets = (this.buckets ??= new Map());
    buckets.set(s, (buckets.get(s) ?? 0) + 1);
    if (buckets.size > 20) for (const k of buckets.keys()) if (k < s - 10) buckets.delete(k);
  }
  rate(now: number): number {
    if (!this.buckets) return 0;
    const s = Math.floor(now / 1000);
    let n = 0;
    for (const [k, v] of this.buckets) if (k > s - 10 && k <= s) n += v;
    return n / 10;
  }
}

function nowLogTime(ms: number): string {
  // Thousands of containers start within the same second: format each second once.
  const sec = Math.floor(ms / 1000);
  if (sec === logTimeSec) return logTimeText;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  logTimeSec = sec;
  logTimeText = `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return logTimeText;
}

let logTimeSec = NaN;
let logTimeText = '';

function clf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const dash of ['-', '--']) {
      if (a === `${dash}${name}`) return args[i + 1] ?? '';
      if (a.startsWith(`${dash}${name}=`)) return a.slice(dash.length + name.length + 1);
    }
  }
  return undefined;
}

/** Sizes as stress reads them: 150M, 1G, 512K (powers of 1024), plain bytes. */
export function stressBytes(s: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([bBkKmMgG]?)$/.exec(s ?? '');
  if (!m) return 256 << 20;
  const mult = { '': 1, b: 1, k: 1024, m: 1 << 20, g: 1 << 30 }[m[2].toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

export const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const nginxError = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx/1.25.5</center>\r\n</body>\r\n</html>\r\n`;

/** The files an image brings (beside /etc/hostname and friends, which the kubelet writes). */
export function imageFiles(image: ImageDef): Map<string, string | (() => string)> {
  const files = new Map<string, string | (() => string)>();
  if (image.program === 'nginx') {
    files.set('/usr/share/nginx/html/index.html', NGINX_INDEX);
    files.set('/usr/share/nginx/html/50x.html', '<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n');
    files.set('/etc/nginx/nginx.conf', 'user  nginx;\nworker_processes  auto;\n');
  }
  if (image.program === 'httpd') files.set('/usr/local/apache2/htdocs/index.html', '<html><body><h1>It works!</h1></body></html>\n');
  if (image.shell) files.set('/etc/os-release', image.repository.includes('alpine') ? 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\n' : 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n');
  return files;
}

/**
 * The argv a container runs, as the runtime computes it from the image's ENTRYPOINT/CMD and the
 * pod's command/args, and whether the shell or the image's own program runs it. A `command` the
 * image does not have fails the start as runc does (StartError, exit code 128).
 */
export function plan(image: ImageDef, command: string[] | undefined, args: string[] | undefined): { mode: 'shell' | 'program'; argv: string[] } | { startError: string } {
  if (command?.length) {
    const bin = base(command[0]);
    const own = PROGRAM_BINARIES[image.program]?.includes(bin) || (image.program === 'daemon' && !SHELL_BUILTINS.has(bin) && !NETWORK_COMMANDS.has(bin));
    if (own || !image.shell) {
      if (!own && image.program !== 'daemon' && image.program !== 'web' && !PROGRAM_BINARIES[image.program]) {
        return { startError: notFound(command[0]) };
      }
      return { mode: 'program', argv: [...command, ...(args ?? [])] };
    }
    if (SHELL_BUILTINS.has(bin) || NETWORK_COMMANDS.has(bin)) return { mode: 'shell', argv: [...command, ...(args ?? [])] };
    return { startError: notFound(command[0]) };
  }
  if (image.program === 'shell') {
    const argv = args?.length ? args : image.cmd ?? ['sh'];
    const bin = base(argv[0]);
    if (!SHELL_BUILTINS.has(bin) && !NETWORK_COMMANDS.has(bin)) return { startError: notFound(argv[0]) };
    return { mode: 'shell', argv };
  }
  return { mode: 'program', argv: ['', ...(args ?? [])] };
}

function notFound(bin: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${bin}": executable file not found in $PATH: unknown`;
}

export function createProcess(host: ProcessHost, mode: 'shell' | 'program', argv: string[]): Process {
  if (mode === 'shell') return new ShellProcess(host, argv);
  switch (host.image.program) {
    case 'stress':
      return new StressProcess(host, argv.slice(1));
    case 'loadgen':
      return new LoadGenProcess(host, argv.slice(1));
    case 'shell':
      return new ShellProcess(host, argv.slice(1).length ? argv.slice(1) : host.image.cmd ?? ['sh']);
    default:
      return new ServerProcess(host, argv.slice(1));
  }
}

/** Shared parts: baseline memory and CPU, SIGTERM handling. */
abstract class BaseProcess implements Process {
  protected exited = false;
  protected extraMemory = 0;
  protected extraCpu = 0;
  protected readonly meter = new RequestMeter();

  constructor(protected readonly host: ProcessHost) {}

  abstract start(): void;

  term(): void {
    if (this.host.image.ignoresSigterm) return;
    // Servers shut down cleanly: a moment to finish, then exit 0.
    this.host.after(100, () => this.exit(0));
  }

  protected exit(code: number, reason?: 'Error' | 'Completed' | 'OOMKilled'): void {
    if (this.exited) return;
    this.exited = true;
    this.host.exit(code, reason);
  }

  serve(_port: number, _protocol: 'TCP' | 'UDP', _req?: HttpRequest): { http?: Response } | undefined {
    return undefined;
  }

  memoryBytes(): number {
    return (this.host.image.memoryBytes ?? 1 << 20) + this.extraMemory;
  }

  cpuMillis(now: number): number {
    const perRequest = REQUEST_CPU_MS[this.host.image.program] ?? 0.2;
    const v = (this.host.image.cpuMillis ?? 0) + this.extraCpu + this.meter.rate(now) * perRequest;
    const cap = this.host.cpuLimitMillis;
    return Math.round(cap ? Math.min(v, cap) : v);
  }
}

/** A shell running the pod's command (busybox, alpine, or any image with a `command` through sh). */
class ShellProcess extends BaseProcess {
  private gen?: Generator<number, number>;

  constructor(
    host: ProcessHost,
    private readonly argv: string[],
  ) {
    super(host);
  }

  start(): void {
    const shell = new Shell(this.host, base(this.argv[0]) === 'bash' ? 'bash' : 'sh');
    const io = { out: (t: string) => this.host.log(t), err: (t: string) => this.host.log(t) };
    this.gen = shell.argv(this.argv, io);
    this.step();
  }

  private step(): void {
    if (this.exited || !this.gen) return;
    let r: IteratorResult<number, number>;
    try {
      r = this.gen.next();
    } catch (e) {
      this.host.log(`sh: ${(e as Error).message}\n`);
      this.exit(2);
      return;
    }
    if (r.done) {
      this.exit(r.value);
      return;
    }
    if (r.value === Infinity) return; // sleep infinity: until a signal
    this.host.after(r.value, () => this.step());
  }

  override serve(port: number, protocol: 'TCP' | 'UDP', req?: HttpRequest): { http?: Response } | undefined {
    // `nc -l` style listeners are out of scope; a shell image listens on nothing. Images with a
    // shell whose program is a server still serve when the command just wraps them.
    void port;
    void protocol;
    void req;
    return undefined;
  }
}

/** Web servers, databases and system daemons: listen, answer, log requests. */
class ServerProcess extends BaseProcess {
  private startedAt = 0;
  private listen: { port: number; protocol: 'TCP' | 'UDP'; http?: Record<string, string> }[] = [];
  private text = '';

  constructor(
    host: ProcessHost,
    private readonly args: string[],
  ) {
    super(host);
  }

  start(): void {
    const { image } = this.host;
    const h = this.host;
    this.startedAt = h.wallMs();
    this.listen = (image.listen ?? []).map((l) => ({ port: l.port, protocol: l.protocol ?? 'TCP', http: l.http }));
    const t = nowLogTime(h.wallMs());
    if (image.requiredEnv && !image.requiredEnv.anyOf.some((n) => h.env.get(n))) {
      h.after(400, () => {
        for (const line of image.requiredEnv!.log) h.log(`${line}\n`);
        this.exit(1);
      });
      return;
    }
    switch (image.program) {
      case 'web':
        h.log(`${h.imageLabel} listening on :${this.listen[0]?.port ?? 8080}\n`);
        if (image.exitAfterMs !== undefined) {
          h.after(image.exitAfterMs, () => {
            h.log(`fatal: ${h.imageLabel} crashed on purpose (exit code ${image.exitCode ?? 1})\n`);
            this.exit(image.exitCode ?? 1);
          });
        }
        break;
      case 'nginx':
        h.log(nginxStartLog(t));
        break;
      case 'httpd':
        h.log(`[${t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations\n`);
        break;
      case 'http-echo': {
        const text = flag(this.args, 'text');
        const listenFlag = flag(this.args, 'listen');
        if (listenFlag) this.listen = [{ port: Number(listenFlag.replace(/^.*:/, '')) || 5678, protocol: 'TCP' }];
        if (text === undefined) {
          h.after(10, () => {
            h.log('Missing -text option!\n');
            this.exit(127);
          });
          return;
        }
        this.text = text;
        h.log(`${t} [INFO] server is listening on :${this.listen[0].port}\n`);
        break;
      }
      case 'agnhost':
        this.startAgnhost(t);
        break;
      case 'liveness':
        h.log('Started HTTP server on port 8080\n');
        break;
      case 'php-apache':
        h.log(`[${t}] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.10 (Debian) PHP/5.6.14 configured -- resuming normal operations\n`);
        break;
      default:
        h.log(daemonLog(image.repository, t));
    }
  }

  private startAgnhost(t: string): void {
    const h = this.host;
    const [sub, ...rest] = this.args;
    switch (sub) {
      case 'serve-hostname': {
        const port = Number(flag(rest, 'port') ?? 9376);
        this.listen = [{ port, protocol: rest.includes('--udp') ? 'UDP' : 'TCP' }];
        h.log(`${t} Serving on port ${port}.\n`);
        return;
      }
      case 'netexec': {
        const port = Number(flag(rest, 'http-port') ?? 8080);
        const udp = Number(flag(rest, 'udp-port') ?? 8081);
        this.listen = [{ port, protocol: 'TCP' }, { port: udp, protocol: 'UDP' }];
        h.log(`${t} Started HTTP server on port ${port}\n${t} Started UDP server on port  ${udp}\n`);
        return;
      }
      case 'liveness':
        this.listen = [{ port: 8080, protocol: 'TCP' }];
        h.log('Started HTTP server on port 8080\n');
        return;
      case 'test-webserver':
        this.listen = [{ port: Number(flag(rest, 'port') ?? 80), protocol: 'TCP' }];
        return;
      case 'pause':
        h.log('Paused\n');
        return;
      default:
        h.after(10, () => {
          h.log('Usage:\n  app [command]\n\nAvailable Commands:\n  liveness  Starts a server that fails after 10 seconds\n  netexec   Creates HTTP(S), UDP, and (optionally) SCTP servers with various endpoints\n  pause     Pauses the execution\n  serve-hostname Serves the hostname\n');
          this.exit(0);
        });
    }
  }

  override serve(port: number, protocol: 'TCP' | 'UDP', req?: HttpRequest): { http?: Response } | undefined {
    if (this.exited) return undefined;
    const l = this.listen.find((x) => x.port === port && x.protocol === protocol);
    if (!l) return undefined;
    const now = this.host.wallMs();
    this.meter.hit(now);
    if (protocol === 'UDP' || !req) return {};
    const path = (req.path ?? '/').split('?')[0] || '/';
    const res = this.respond(l, path, req, now);
    if (res) this.accessLog(req, res, now);
    return res ? { http: res } : {};
  }

  private respond(l: { port: number; http?: Record<string, string> }, path: string, req: HttpRequest, now: number): Response | undefined {
    const h = this.host;
    const { image } = h;
    const hostname = h.hostname;
    switch (image.program) {
      case 'web':
        if (path === '/healthz' || path === '/readyz') return { status: 200, body: 'ok\n' };
        if (path === '/version') return { status: 200, body: `${h.imageLabel}\n` };
        return { status: 200, body: `Hello from ${h.podName} (${h.imageLabel})\n` };
      case 'nginx':
        return this.staticFile('/usr/share/nginx/html', path);
      case 'httpd':
        return this.staticFile('/usr/local/apache2/htdocs', path);
      case 'http-echo':
        if (path === '/health') return { status: 200, body: '{"status":"ok"}\n' };
        return { status: 200, body: `${this.text}\n` };
      case 'php-apache':
        return { status: 200, body: 'OK!' };
      case 'liveness':
        return this.liveness(now);
      case 'agnhost': {
        const sub = this.args[0];
        if (sub === 'serve-hostname') return { status: 200, body: hostname };
        if (sub === 'liveness') return this.liveness(now);
        if (sub === 'test-webserver') return { status: 200, body: 'hello' };
        if (path === '/hostname') return { status: 200, body: hostname };
        if (path === '/healthz') return { status: 200, body: '' };
        if (path === '/clientip') return { status: 200, body: `${req.headers?.['x-client-ip'] ?? '10.244.0.1'}:40000` };
        if (path === '/echo') {
          const q = new URLSearchParams((req.path ?? '').split('?')[1] ?? '');
          return { status: 200, body: q.get('msg') ?? '' };
        }
        return { status: 200, body: `NOW: ${new Date(now).toISOString().replace('T', ' ').replace('Z', '')} +0000 UTC` };
      }
      default: {
        if (!l.http) return undefined;
        const body = l.http[path] ?? l.http['*'];
        return body === undefined ? { status: 404, body: '404 page not found\n' } : { status: 200, body };
      }
    }
  }

  /** The liveness image: /healthz answers 200 for the first 10 s of the container's life, then 500. */
  private liveness(now: number): Response {
    const age = now - this.startedAt;
    if (age < 10_000) return { status: 200, body: 'ok' };
    return { status: 500, body: `error: ${(age / 1000).toFixed(6)}` };
  }

  private staticFile(root: string, path: string): Response {
    const fs: ContainerFS = this.host.fs;
    const target = `${root}${path}`;
    let f = fs.read(target);
    if (f === null) {
      f = fs.read(`${target.replace(/\/$/, '')}/index.html`);
      if (f === null || f === undefined) return { status: 403, body: nginxError(403, 'Forbidden') };
    }
    if (f === undefined) return { status: 404, body: nginxError(404, 'Not Found') };
    return { status: 200, body: f };
  }

  private accessLog(req: HttpRequest, res: Response, now: number): void {
    const { program } = this.host.image;
    if (program === 'daemon' || program === 'liveness') return;
    const ip = req.headers?.['x-client-ip'] ?? '10.244.0.1';
    const ua = req.headers?.['user-agent'] ?? 'curl/8.7.1';
    const size = new TextEncoder().encode(res.body).length;
    this.host.log(`${ip} - - [${clf(now)}] "${req.method ?? 'GET'} ${req.path ?? '/'} HTTP/1.1" ${res.status} ${size} "-" "${ua}"${program === 'nginx' ? ' "-"' : ''}\n`);
  }
}

/** nginx's start-up lines at log time `t` (the same text, one string, for every container started in that second). */
function nginxStartLog(t: string): string {
  if (t !== nginxLogTime) {
    nginxLogTime = t;
    nginxLogText = [
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
      '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
      `${t} [notice] 1#1: using the "epoll" event method`,
      `${t} [notice] 1#1: nginx/1.25.5`,
      `${t} [notice] 1#1: start worker processes`,
      '',
    ].join('\n');
  }
  return nginxLogText;
}

let nginxLogTime = '';
let nginxLogText = '';

function daemonLog(repository: string, t: string): string {
  const name = base(repository);
  switch (name) {
    case 'redis':
      return `1:M 01 Jan 2025 09:00:00.000 * Server initialized\n1:M 01 Jan 2025 09:00:00.000 * Ready to accept connections tcp\n`;
    case 'mysql':
      return `${t} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.0'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n`;
    case 'postgres':
      return `${t} UTC [1] LOG:  database system is ready to accept connections\n`;
    case 'mongo':
      return `{"t":{"$date":"2025-01-01T09:00:00.000+00:00"},"s":"I",  "c":"NETWORK",  "id":23016,   "ctx":"listener","msg":"Waiting for connections","attr":{"port":27017,"ssl":"off"}}\n`;
    case 'coredns':
      return '.:53\n[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908\nCoreDNS-1.11.1\nlinux/amd64, go1.20.7, ae2bbc2\n';
    case 'pause':
      return '';
    default:
      return `I0101 ${t.slice(11)}.000000       1 server.go:1] "Starting ${name}"\n`;
  }
}

/** polinux/stress: `--vm N --vm-bytes 150M` allocates N × bytes after a moment; `--cpu N` burns N cores. */
class StressProcess extends BaseProcess {
  constructor(
    host: ProcessHost,
    private readonly args: string[],
  ) {
    super(host);
  }

  start(): void {
    const vm = Number(flag(this.args, 'vm') ?? flag(this.args, 'm') ?? 0);
    const bytes = stressBytes(flag(this.args, 'vm-bytes'));
    const cpu = Number(flag(this.args, 'cpu') ?? flag(this.args, 'c') ?? 0);
    const timeout = flag(this.args, 'timeout') ?? flag(this.args, 't');
    this.host.log(`stress: info: [1] dispatching hogs: ${cpu} cpu, 0 io, ${vm} vm, 0 hdd\n`);
    this.extraCpu = cpu * 1000;
    this.host.after(500, () => {
      this.extraMemory = vm * bytes;
      this.host.memoryChanged();
    });
    if (timeout) {
      const ms = Number(timeout.replace(/s$/, '')) * 1000;
      if (ms > 0) this.host.after(ms, () => {
        this.host.log(`stress: info: [1] successful run completed in ${Math.round(ms / 1000)}s\n`);
        this.exit(0);
      });
    }
  }
}

/** A load generator: `TARGET` (or `-url`) at `QPS` (or `-qps`) requests per second, through the network. */
class LoadGenProcess extends BaseProcess {
  constructor(
    host: ProcessHost,
    private readonly args: string[],
  ) {
    super(host);
  }

  start(): void {
    const url = flag(this.args, 'url') ?? this.host.env.get('TARGET') ?? 'http://web';
    const qps = Math.max(1, Math.min(200, Number(flag(this.args, 'qps') ?? this.host.env.get('QPS') ?? 10) || 10));
    this.host.log(`load-generator: sending ${qps} requests per second to ${url}\n`);
    let ok = 0;
    let failed = 0;
    let ticks = 0;
    const tick = () => {
      if (this.exited) return;
      for (let i = 0; i < qps; i++) {
        const r = this.host.net?.(['wget', '-q', '-O-', '-T', '1', url]);
        if (r && r.exitCode === 0) ok++;
        else failed++;
      }
      if (++ticks % 10 === 0) {
        this.host.log(`load-generator: ${ok} ok, ${failed} failed in the last 10s\n`);
        ok = failed = 0;
      }
      this.host.after(1000, tick);
    };
    this.host.after(1000, tick);
  }
}

/** Run a command in a running container, as `kubectl exec` does (also exec probes). */
export function execIn(host: ShellHost, image: ImageDef, argv: string[], stdin?: string): ExecResult {
  const bin = base(argv[0] ?? '');
  if (!argv.length) return { stdout: '', stderr: 'error: you must specify at least one command for the container\n', exitCode: 1 };
  if (!image.shell && !NETWORK_COMMANDS.has(bin)) {
    return {
      stdout: '',
      stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown\n`,
      exitCode: 126,
    };
  }
  let stdout = '';
  let stderr = '';
  const shell = new Shell(host, 'sh');
  let elapsedMs = 0;
  const code = runToEnd(shell.argv(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t), stdin }), undefined, (ms) => (elapsedMs += ms));
  return elapsedMs > 0 ? { stdout, stderr, exitCode: code, elapsedMs } : { stdout, stderr, exitCode: code };
}
