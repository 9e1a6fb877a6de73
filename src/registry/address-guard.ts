// Which addresses an unlisted registry may not resolve to: the webhook must not become a way to
// reach the node's loopback services or the cloud metadata endpoint. The check runs on the address
// actually connected to (a DNS lookup hook), so DNS rebinding and redirects cannot bypass it.

import { BlockList, isIP } from 'node:net';

/** Ranges never contacted for an unlisted registry, whatever the configuration says. */
const ALWAYS_BLOCKED: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", 0.0.0.0 reaches loopback on Linux
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local: cloud metadata lives at 169.254.169.254
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

export class AddressGuard {
  private readonly blocked = new BlockList();

  constructor(extraCidrs: readonly string[]) {
    for (const [network, prefix, family] of ALWAYS_BLOCKED) this.blocked.addSubnet(network, prefix, family);
    for (const cidr of extraCidrs) {
      const [network = '', prefixText = ''] = cidr.split('/');
      const family = isIP(network);
      const prefix = Number(prefixText);
      if (family === 0 || !Number.isInteger(prefix))
        throw new Error(`invalid CIDR in probe.blockedCidrs: ${cidr}`);
      this.blocked.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** True when the address (an IP literal) must not be contacted. Non-IP input is refused too. */
  isBlocked(address: string): boolean {
    const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const family = isIP(ip);
    if (family === 0) return true;
    if (family === 6) {
      const mapped = embeddedIPv4(ip);
      if (mapped !== undefined) return this.blocked.check(mapped, 'ipv4');
      return this.blocked.check(ip, 'ipv6');
    }
    return this.blocked.check(ip, 'ipv4');
  }
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible IPv6 address. */
function embeddedIPv4(ip: string): string | undefined {
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1); // WHATWG URL compresses it
  const match =
    /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical) ??
    /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  if (!match) return undefined;
  if (match.length === 2) return match[1];
  const high = parseInt(match[1] ?? '0', 16);
  const low = parseInt(match[2] ?? '0', 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * A host as a URL parser reads it: decimal (2130706433), hex (0x7f.1) and short (127.1) IPv4
 * spellings become dotted quads, so the literal check sees the address the socket would use.
 */
export function canonicalHost(host: string): string {
  try {
    return new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`).hostname;
  } catch {
    return host;
  }
}
