/**
 * Address allocation: node IPs from the node CIDR, one /24 pod CIDR per node out of the cluster's
 * pod CIDR, and pod IPs from their node's range (released on deletion, never handed out twice).
 */

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCIDR(cidr: string): { base: number; bits: number } {
  const [ip, bits] = cidr.split('/');
  const b = Number(bits);
  const mask = b === 0 ? 0 : (~0 << (32 - b)) >>> 0;
  return { base: (ipToInt(ip) & mask) >>> 0, bits: b };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const { base, bits } = parseCIDR(cidr);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipToInt(ip) & mask) >>> 0) === base;
}

/** The i-th /24 inside a larger range. */
export function subnet24(cidr: string, i: number): string {
  const { base } = parseCIDR(cidr);
  return `${intToIp((base + i * 256) >>> 0)}/24`;
}

/** The i-th host address of a range (1-based: 1 is the first usable). */
export function hostAddress(cidr: string, i: number): string {
  return intToIp((parseCIDR(cidr).base + i) >>> 0);
}

/** Pod IPs of one node's range: .1 is the node's bridge, pods get .2 to .254, lowest free first. */
export class PodIPPool {
  private readonly used = new Set<number>();
  constructor(readonly cidr: string) {}

  allocate(): string | undefined {
    const { base } = parseCIDR(this.cidr);
    for (let i = 2; i < 255; i++) {
      if (!this.used.has(i)) {
        this.used.add(i);
        return intToIp(base + i);
      }
    }
    return undefined;
  }

  /** Mark an address taken (after a restore). */
  take(ip: string): void {
    this.used.add(ipToInt(ip) - parseCIDR(this.cidr).base);
  }

  release(ip: string): void {
    this.used.delete(ipToInt(ip) - parseCIDR(this.cidr).base);
  }
}
