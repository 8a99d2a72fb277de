import { describe, expect, it } from 'vitest';
import { scenario } from '../network/scenarios/scenario';
import { alpineRelease } from './apk';

const FETCH = (repo: string) => `fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/${repo}/x86_64/APKINDEX.tar.gz\n`;

function alpinePod() {
  const s = scenario({ nodes: 1 });
  s.k('kubectl run shell --image=alpine -- sleep 3600');
  s.c.advance(20_000);
  return s;
}

describe('apk in alpine containers', () => {
  it('apk add curl fetches the index, installs curl and its libraries, and says how much is installed', () => {
    const s = alpinePod();
    expect(s.run('kubectl exec shell -- apk add curl')).toEqual({
      stdout:
        FETCH('main') +
        FETCH('community') +
        '(1/9) Installing ca-certificates (20240705-r0)\n' +
        '(2/9) Installing brotli-libs (1.1.0-r2)\n' +
        '(3/9) Installing c-ares (1.33.1-r0)\n' +
        '(4/9) Installing libunistring (1.2-r0)\n' +
        '(5/9) Installing libidn2 (2.3.7-r0)\n' +
        '(6/9) Installing nghttp2-libs (1.62.1-r0)\n' +
        '(7/9) Installing libpsl (0.21.5-r1)\n' +
        '(8/9) Installing libcurl (8.12.1-r0)\n' +
        '(9/9) Installing curl (8.12.1-r0)\n' +
        'Executing busybox-1.36.1-r29.trigger\n' +
        'Executing ca-certificates-20240705-r0.trigger\n' +
        'OK: 13 MiB in 23 packages\n',
      stderr: '',
      exitCode: 0,
    });
    // The index is cached now; what is installed is not installed again; shared libraries are reused.
    expect(s.k('kubectl exec shell -- apk add curl')).toBe('OK: 13 MiB in 23 packages\n');
    const bind = s.k('kubectl exec shell -- apk add bind-tools');
    expect(bind.split('\n')[0]).toBe('(1/13) Installing fstrm (0.6.1-r4)');
    expect(bind).not.toContain('nghttp2-libs');
    expect(bind).toContain('(13/13) Installing bind-tools (9.20.4-r0)\n');
    expect(bind.split('\n').slice(-2)).toEqual(['OK: 19 MiB in 36 packages', '']);
    expect(s.k('kubectl exec shell -- apk add busybox-extras')).toBe(
      '(1/1) Installing busybox-extras (1.36.1-r29)\nExecuting busybox-extras-1.36.1-r29.post-install\nExecuting busybox-1.36.1-r29.trigger\nOK: 19 MiB in 37 packages\n',
    );
    expect(s.k('kubectl exec shell -- cat /lib/apk/db/installed').split('\n')).toContain('busybox-extras');
  });

  it('an unknown package fails the whole add, as apk does', () => {
    const s = alpinePod();
    expect(s.run('kubectl exec shell -- apk add curl nosuch')).toEqual({
      stdout: FETCH('main') + FETCH('community'),
      stderr: 'ERROR: unable to select packages:\n  nosuch (no such package):\n    required by: world[nosuch]\ncommand terminated with exit code 1\n',
      exitCode: 1,
    });
    expect(s.run('kubectl exec shell -- cat /lib/apk/db/installed').exitCode).toBe(1);
  });

  it('with egress denied by a NetworkPolicy the index cannot be fetched and nothing resolves', () => {
    const s = alpinePod();
    s.apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress}
spec:
  podSelector: {}
  policyTypes: [Egress]
`);
    s.c.advance(2_000);
    expect(s.run('kubectl exec shell -- apk add curl')).toEqual({
      stdout: FETCH('main') + FETCH('community'),
      stderr:
        'WARNING: updating and opening https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error\n' +
        'WARNING: updating and opening https://dl-cdn.alpinelinux.org/alpine/v3.20/community: DNS lookup error\n' +
        'ERROR: unable to select packages:\n  curl (no such package):\n    required by: world[curl]\ncommand terminated with exit code 1\n',
      exitCode: 1,
    });
  });

  it('the installed packages go with the container: after a restart apk starts from a fresh image', () => {
    const s = scenario({ nodes: 1 });
    s.k('kubectl run shell --image=alpine -- sh -c "sleep 30"');
    s.c.advance(20_000);
    s.k('kubectl exec shell -- apk add busybox-extras');
    expect(s.run('kubectl exec shell -- cat /lib/apk/db/installed').stdout).toBe('busybox-extras\n');
    s.c.advance(30_000);
    expect(s.get('pod', 'shell').status.containerStatuses[0].restartCount).toBe(1);
    expect(s.run('kubectl exec shell -- cat /lib/apk/db/installed').exitCode).toBe(1);
  });

  it('images that are not alpine have no apk', () => {
    const s = scenario({ nodes: 1 });
    s.k('kubectl run deb --image=debian -- sleep 3600');
    s.c.advance(20_000);
    expect(s.run('kubectl exec deb -- apk add curl')).toMatchObject({ exitCode: 127 });
    expect([alpineRelease('alpine:3.19'), alpineRelease('docker.io/library/alpine'), alpineRelease('nginx:alpine'), alpineRelease('busybox')]).toEqual(['v3.19', 'v3.20', 'v3.20', undefined]);
  });
});
