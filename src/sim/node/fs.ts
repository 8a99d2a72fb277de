/**
 * A container's filesystem, as far as a shell in it can see: the image's own files, a writable
 * layer (lost when the container restarts), and the pod's volumes mounted over them. ConfigMap,
 * Secret and downward API volumes are read-only and read their source when read (the kubelet syncs
 * them in the background; here the sync is instant). emptyDir volumes are shared by the pod's containers.
 */

export type VolumeFiles = {
  readOnly: boolean;
  /** Files relative to the mount point (`key` → content). */
  files(): Map<string, string>;
  /** For writable volumes (emptyDir): the backing map. */
  backing?: Map<string, string>;
};

export type Mount = { mountPath: string; volume: VolumeFiles; subPath?: string; readOnly?: boolean };

export type FsError = { error: string };

function norm(path: string, cwd = '/'): string {
  const abs = path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export class ContainerFS {
  /** The writable layer: files written by the container's processes. */
  readonly layer = new Map<string, string>();
  private readonly removed = new Set<string>();
  private readonly mounts: Mount[];

  constructor(
    /** The image's files; a function is read when the file is (a token nobody reads costs nothing). */
    private readonly image: Map<string, string | (() => string)>,
    mounts: Mount[],
  ) {
    this.mounts = [...mounts].map((m) => ({ ...m, mountPath: norm(m.mountPath) })).sort((a, b) => b.mountPath.length - a.mountPath.length);
  }

  static normalize = norm;

  private mountFor(path: string): { mount: Mount; rel: string } | undefined {
    for (const mount of this.mounts) {
      if (mount.subPath !== undefined) {
        if (path === mount.mountPath) return { mount, rel: mount.subPath };
        continue;
      }
      if (path === mount.mountPath) return { mount, rel: '' };
      if (path.startsWith(mount.mountPath + '/') || mount.mountPath === '/') return { mount, rel: path.slice(mount.mountPath.length + 1) };
    }
    return undefined;
  }

  /** File content, `null` for a directory, undefined when there is nothing at `path`. */
  read(path: string): string | null | undefined {
    const p = norm(path);
    const m = this.mountFor(p);
    if (m) {
      if (m.rel === '') return null;
      const files = m.mount.volume.files();
      const f = files.get(m.rel);
      if (f !== undefined) return f;
      for (const k of files.keys()) if (k.startsWith(m.rel + '/')) return null;
      return undefined;
    }
    if (this.removed.has(p)) return undefined;
    const own = this.layer.get(p) ?? this.image.get(p);
    if (own !== undefined) return typeof own === 'function' ? own() : own;
    if (p === '/') return null;
    for (const k of this.layer.keys()) if (k.startsWith(p + '/')) return null;
    for (const k of this.image.keys()) if (k.startsWith(p + '/')) return null;
    for (const mt of this.mounts) if (mt.mountPath.startsWith(p + '/')) return null;
    if (['/tmp', '/etc', '/var', '/usr', '/bin', '/root', '/home', '/proc', '/dev', '/run'].includes(p)) return null;
    return undefined;
  }

  /** Write (or append to) a file; an error message shaped like busybox's when it cannot. */
  write(path: string, content: string, append = false): FsError | undefined {
    const p = norm(path);
    const m = this.mountFor(p);
    if (m) {
      if (m.mount.volume.readOnly || m.mount.readOnly || !m.mount.volume.backing) return { error: `can't create ${path}: Read-only file system` };
      if (m.rel === '') return { error: `can't create ${path}: Is a directory` };
      const b = m.mount.volume.backing;
      b.set(m.rel, (append ? b.get(m.rel) ?? '' : '') + content);
      return undefined;
    }
    if (this.read(p) === null) return { error: `can't create ${path}: Is a directory` };
    this.removed.delete(p);
    const prev = append ? this.read(p) : '';
    this.layer.set(p, (typeof prev === 'string' ? prev : '') + content);
    return undefined;
  }

  /** Remove a file; returns an error message when it cannot. */
  remove(path: string): FsError | undefined {
    const p = norm(path);
    const m = this.mountFor(p);
    if (m) {
      if (m.mount.volume.readOnly || m.mount.readOnly || !m.mount.volume.backing) return { error: `can't remove '${path}': Read-only file system` };
      if (!m.mount.volume.backing.delete(m.rel)) return { error: `can't remove '${path}': No such file or directory` };
      return undefined;
    }
    const existed = this.layer.delete(p) || (this.image.has(p) && !this.removed.has(p));
    if (this.image.has(p)) this.removed.add(p);
    return existed ? undefined : { error: `can't remove '${path}': No such file or directory` };
  }

  /** Entries of a directory (names only, sorted), or undefined when it is not one. */
  list(path: string): string[] | undefined {
    const p = norm(path);
    if (this.read(p) !== null) return undefined;
    const names = new Set<string>();
    const add = (rel: string) => {
      const name = rel.split('/')[0];
      if (name) names.add(name);
    };
    const m = this.mountFor(p);
    if (m) {
      const prefix = m.rel ? m.rel + '/' : '';
      for (const k of m.mount.volume.files().keys()) if (k.startsWith(prefix)) add(k.slice(prefix.length));
    } else {
      const prefix = p === '/' ? '/' : p + '/';
      for (const k of [...this.image.keys(), ...this.layer.keys()]) if (k.startsWith(prefix) && !this.removed.has(k)) add(k.slice(prefix.length));
    }
    for (const mt of this.mounts) {
      const prefix = p === '/' ? '/' : p + '/';
      if (mt.mountPath.startsWith(prefix)) add(mt.mountPath.slice(prefix.length));
    }
    return [...names].sort();
  }
}
