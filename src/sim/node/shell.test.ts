import { describe, expect, it } from 'vitest';
import { Shell, busyboxDate, sleepMs } from './shell';
import { ContainerFS } from './fs';

function run(script: string, files: Record<string, string> = {}) {
  const fs = new ContainerFS(new Map(Object.entries(files)), []);
  const env = new Map([['HOME', '/root']]);
  const shell = new Shell({ fs, env, hostname: 'pod-1', wallMs: () => Date.UTC(2025, 0, 1, 9, 0, 12), random: () => 0.5 }, 'sh');
  let out = '';
  const sleeps: number[] = [];
  const gen = shell.script(script, { out: (t) => (out += t), err: (t) => (out += t) });
  let r = gen.next();
  while (!r.done) {
    sleeps.push(r.value);
    r = gen.next();
  }
  return { out, code: r.value, sleeps, fs };
}

describe('the simulated shell', () => {
  it('runs lists with ; && || and exit codes', () => {
    expect(run('echo a; false && echo b || echo c; true && echo d')).toMatchObject({ out: 'a\nc\nd\n', code: 0 });
    expect(run('exit 3').code).toBe(3);
    expect(run('false').code).toBe(1);
    expect(run('nosuch').out).toBe('sh: nosuch: not found\n');
  });

  it('hostname -i answers the pod IP the kubelet wrote into /etc/hosts', () => {
    const hosts = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.244.1.7\tpod-1\n';
    expect(run('hostname -i', { '/etc/hosts': hosts })).toMatchObject({ out: '10.244.1.7\n', code: 0 });
    expect(run('hostname', { '/etc/hosts': hosts }).out).toBe('pod-1\n');
    expect(run('hostname -i', { '/etc/hosts': '127.0.0.1\tlocalhost\n' })).toMatchObject({ out: 'hostname: Name or service not known\n', code: 1 });
  });

  it('sleeps on the simulated clock, in loops', () => {
    const r = run('i=0; while [ $i -lt 3 ]; do echo tick $i; i=$((i+1)); sleep 2; done');
    expect(r.out).toBe('tick 0\ntick 1\ntick 2\n');
    expect(r.sleeps).toEqual([2000, 2000, 2000]);
    expect(run('for x in a b; do echo $x; done; sleep 0.5; sleep 1m').sleeps).toEqual([500, 60_000]);
  });

  it('touch, cat, rm -f, redirections and test', () => {
    const r = run('touch /tmp/healthy; cat /tmp/healthy && echo ok; rm -f /tmp/healthy; cat /tmp/healthy; echo $?');
    expect(r.out).toBe("ok\ncat: can't open '/tmp/healthy': No such file or directory\n1\n");
    const w = run('echo hello > /tmp/a; echo world >> /tmp/a; cat /tmp/a | grep wor; if [ -f /tmp/a ]; then echo yes; else echo no; fi');
    expect(w.out).toBe('world\nyes\n');
    expect(w.fs.read('/tmp/a')).toBe('hello\nworld\n');
  });

  it('expands variables, quotes and command substitution; date, hostname, env', () => {
    expect(run(`X=1; echo "$X" '$X' \${Y:-dflt} $(hostname)`).out).toBe('1 $X dflt pod-1\n');
    expect(run('date').out).toBe('Wed Jan  1 09:00:12 UTC 2025\n');
    expect(run('echo "$(date) hello"').out).toBe('Wed Jan  1 09:00:12 UTC 2025 hello\n');
    expect(run('printenv HOME; env').out).toBe('/root\nHOME=/root\n');
  });

  it('reports syntax errors like busybox', () => {
    expect(run('while true; do echo x').out).toMatch(/^sh: syntax error/);
    expect(run('while true; do echo x').code).toBe(2);
  });

  it('a loop without sleep still lets time pass', () => {
    const fs = new ContainerFS(new Map(), []);
    const shell = new Shell({ fs, env: new Map(), hostname: 'h', wallMs: () => 0, random: () => 0 });
    const gen = shell.script('while true; do echo x; done', { out: () => {}, err: () => {} });
    expect(gen.next()).toEqual({ value: 100, done: false });
  });

  it('parses sleep durations and dates', () => {
    expect(sleepMs('5')).toBe(5000);
    expect(sleepMs('0.01')).toBe(10);
    expect(sleepMs('infinity')).toBe(Infinity);
    expect(sleepMs('x')).toBeNaN();
    expect(busyboxDate(Date.UTC(2025, 2, 15, 1, 2, 3))).toBe('Sat Mar 15 01:02:03 UTC 2025');
  });
});
