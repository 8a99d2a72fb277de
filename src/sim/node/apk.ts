/**
 * `apk`, Alpine's package manager, as far as workshops use it: `apk add curl` (or `bind-tools`,
 * `busybox-extras`) in a running alpine container, `apk update`. It fetches the index from
 * dl-cdn.alpinelinux.org through the simulated network (so a NetworkPolicy that denies egress makes it
 * fail as apk-tools 2.14 does), prints apk's lines, and records the packages in the container's own
 * filesystem (/lib/apk/db/installed, /usr/bin/<tool>), which a restart throws away with the rest
 * of the writable layer.
 */
import type { ShellHost, ShellIO } from './shell';

type Pkg = { version: string; kib: number; deps?: string[]; commands?: string[]; trigger?: string };

/** The few packages apk can add here, with what they pull in (Alpine 3.20's versions). */
const PACKAGES: Record<string, Pkg> = {
  'ca-certificates': { version: '20240705-r0', kib: 680, trigger: 'ca-certificates-20240705-r0.trigger' },
  'brotli-libs': { version: '1.1.0-r2', kib: 900 },
  'c-ares': { version: '1.33.1-r0', kib: 200 },
  libunistring: { version: '1.2-r0', kib: 1700 },
  libidn2: { version: '2.3.7-r0', kib: 140 },
  'nghttp2-libs': { version: '1.62.1-r0', kib: 170 },
  libpsl: { version: '0.21.5-r1', kib: 90 },
  libcurl: { version: '8.12.1-r0', kib: 500 },
  curl: { version: '8.12.1-r0', kib: 250, deps: ['ca-certificates', 'brotli-libs', 'c-ares', 'libunistring', 'libidn2', 'nghttp2-libs', 'libpsl', 'libcurl'], commands: ['curl'] },
  fstrm: { version: '0.6.1-r4', kib: 40 },
  'krb5-conf': { version: '1.0-r2', kib: 10 },
  libcom_err: { version: '1.47.0-r5', kib: 30 },
  'keyutils-libs': { version: '1.6.3-r3', kib: 30 },
  libverto: { version: '0.3.2-r2', kib: 30 },
  'krb5-libs': { version: '1.21.3-r0', kib: 1500 },
  'json-c': { version: '0.17-r0', kib: 80 },
  'protobuf-c': { version: '1.5.0-r0', kib: 50 },
  libuv: { version: '1.48.0-r0', kib: 190 },
  'xz-libs': { version: '5.6.2-r0', kib: 200 },
  libxml2: { version: '2.12.7-r0', kib: 1100 },
  'bind-libs': { version: '9.20.4-r0', kib: 3300 },
  'bind-tools': {
    version: '9.20.4-r0',
    kib: 400,
    deps: ['fstrm', 'krb5-conf', 'libcom_err', 'keyutils-libs', 'libverto', 'krb5-libs', 'json-c', 'nghttp2-libs', 'protobuf-c', 'libuv', 'xz-libs', 'libxml2', 'bind-libs'],
    commands: ['dig', 'host', 'nslookup'],
  },
  'busybox-extras': { version: '1.36.1-r29', kib: 20, commands: ['telnet', 'httpd', 'ftpget'], trigger: 'busybox-extras-1.36.1-r29.post-install' },
};

/** A fresh alpine:3.20 has 14 packages in about 8 MiB. */
const BASE_PACKAGES = 14;
const BASE_KIB = 8 * 1024;
const DB = '/lib/apk/db/installed';
const INDEX_CACHE = '/var/cache/apk/APKINDEX.tar.gz';
const MIRROR = 'dl-cdn.alpinelinux.org';

/** The Alpine release an image runs (`alpine:3.19` → v3.19; `nginx:alpine` and `alpine` → v3.20), or undefined for other distributions. */
export function alpineRelease(image: string): string | undefined {
  const ref = image.replace(/@.*$/, '');
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  const name = colon >= 0 ? ref.slice(slash + 1, colon) : ref.slice(slash + 1);
  const tag = colon >= 0 ? ref.slice(colon + 1) : 'latest';
  if (name === 'alpine') return /^3\.\d+/.test(tag) ? `v${/^3\.\d+/.exec(tag)![0]}` : 'v3.20';
  return tag.includes('alpine') ? 'v3.20' : undefined;
}

/** Run `apk ARGS` in an alpine container; returns the exit status. */
export function apk(args: string[], release: string, host: ShellHost, io: ShellIO): number {
  const { fs } = host;
  const cmd = args.find((a) => !a.startsWith('-'));
  const flags = new Set(args.filter((a) => a.startsWith('-')));
  const names = args.slice(args.indexOf(cmd ?? '') + 1).filter((a) => !a.startsWith('-'));
  const installed = new Set((typeof fs.read(DB) === 'string' ? (fs.read(DB) as string) : '').split('\n').filter(Boolean));
  const ok = () => {
    let kib = BASE_KIB;
    for (const p of installed) kib += PACKAGES[p]?.kib ?? 0;
    io.out(`OK: ${Math.round(kib / 1024)} MiB in ${BASE_PACKAGES + installed.size} packages\n`);
  };

  if (cmd !== 'add' && cmd !== 'update') {
    io.err(`apk-tools 2.14.4, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n`);
    return 1;
  }
  // The index: fetched once (`apk update`, or the first `apk add`), unless --no-cache or --update.
  const noCache = flags.has('--no-cache');
  const mustFetch = cmd === 'update' || noCache || flags.has('--update') || flags.has('-U') || flags.has('--update-cache') || fs.read(INDEX_CACHE) === undefined;
  let indexOk = true;
  if (mustFetch) {
    for (const repo of ['main', 'community']) {
      const base = `https://${MIRROR}/alpine/${release}/${repo}`;
      io.out(`fetch ${base}/x86_64/APKINDEX.tar.gz\n`);
      const r = host.net?.(['wget', '-q', '-O', '-', `${base}/x86_64/APKINDEX.tar.gz`]);
      if (!r || r.exitCode !== 0) {
        indexOk = false;
        const why = r && /bad address/.test(r.stderr) ? 'DNS lookup error' : 'temporary error (try again later)';
        io.err(`WARNING: updating and opening ${base}: ${why}\n`);
      }
    }
    if (indexOk && !noCache) fs.write(INDEX_CACHE, 'APKINDEX\n');
  }
  if (cmd === 'update') {
    if (indexOk) {
      io.out(`${release}.3-30-gd9e3b5c7e7a [https://${MIRROR}/alpine/${release}/main]\n${release}.3-30-gd9e3b5c7e7a [https://${MIRROR}/alpine/${release}/community]\n`);
      io.out('OK: 24163 distinct packages available\n');
      return 0;
    }
    io.out(`2 errors; ${BASE_PACKAGES + installed.size} distinct packages available\n`);
    return 2;
  }

  // apk add: every name must resolve (installed ones always do), or nothing is installed.
  const missing = names.filter((n) => !installed.has(n) && (!indexOk || !PACKAGES[n]));
  if (!names.length) {
    ok();
    return 0;
  }
  if (missing.length) {
    io.err('ERROR: unable to select packages:\n');
    for (const n of [...missing].sort()) io.err(`  ${n} (no such package):\n    required by: world[${n}]\n`);
    return missing.length;
  }
  const plan: string[] = [];
  for (const n of names) {
    for (const p of [...(PACKAGES[n]?.deps ?? []), n]) if (!installed.has(p) && !plan.includes(p)) plan.push(p);
  }
  const triggers: string[] = [];
  plan.forEach((p, i) => {
    io.out(`(${i + 1}/${plan.length}) Installing ${p} (${PACKAGES[p].version})\n`);
    installed.add(p);
    for (const c of PACKAGES[p].commands ?? []) fs.write(`/usr/bin/${c}`, `#!${p}\n`);
    // A post-install script runs right after its package; triggers run once at the end.
    const t = PACKAGES[p].trigger;
    if (t?.endsWith('.post-install')) io.out(`Executing ${t}\n`);
    else if (t) triggers.push(t);
  });
  if (plan.length) {
    fs.write(DB, [...installed].join('\n') + '\n');
    for (const t of ['busybox-1.36.1-r29.trigger', ...triggers]) io.out(`Executing ${t}\n`);
  }
  ok();
  return 0;
}
