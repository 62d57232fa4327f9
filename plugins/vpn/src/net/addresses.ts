import ipaddr from 'ipaddr.js'

/** An IPv4 network peers get addresses in: host indexes 1 .. size-2 (no network, no broadcast). */
export interface Net4 { base: number, prefix: number, size: number, cidr: string }

export type Parsed<T> = { ok: true, value: T } | { ok: false, message: string }

const toDotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
const fromDotted = (s: string) => ipaddr.IPv4.parse(s).toByteArray().reduce((a, b) => (a * 256) + b, 0)

/** `10.20.0.0/24` (host bits must be zero, /8 to /30). */
export function parseNet4 (cidr: string): Parsed<Net4> {
  let addr: ipaddr.IPv4, prefix: number
  try { [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr) } catch { return { ok: false, message: `"${cidr}" is not an IPv4 CIDR such as 100.64.0.0/24` } }
  if (prefix < 8 || prefix > 30) return { ok: false, message: 'the prefix length must be between /8 and /30' }
  const base = fromDotted(addr.toString())
  const size = 2 ** (32 - prefix)
  if (base % size !== 0) return { ok: false, message: `host bits are set: did you mean ${toDotted(base - (base % size))}/${prefix}?` }
  return { ok: true, value: { base, prefix, size, cidr: `${toDotted(base)}/${prefix}` } }
}

export const address4At = (net: Net4, index: number) => toDotted(net.base + index)
export const hostCount = (net: Net4) => net.size - 2

/** An IPv6 ULA prefix (fc00::/7) of /48 to /64; a peer's address is the prefix plus its IPv4 host index. */
export function parseUla (cidr: string): Parsed<{ prefix: string, bytes: number[], length: number }> {
  let addr: ipaddr.IPv6, length: number
  try { [addr, length] = ipaddr.IPv6.parseCIDR(cidr) } catch { return { ok: false, message: `"${cidr}" is not an IPv6 prefix such as fd12:3456:789a::/64` } }
  if (addr.range() !== 'uniqueLocal') return { ok: false, message: 'the IPv6 prefix must be a unique local address (fc00::/7), e.g. fd12:3456:789a::/64' }
  if (length < 48 || length > 64) return { ok: false, message: 'the IPv6 prefix length must be between /48 and /64' }
  const net = ipaddr.IPv6.networkAddressFromCIDR(cidr)
  if (net.toString() !== addr.toString()) return { ok: false, message: `host bits are set: did you mean ${net.toString()}/${length}?` }
  return { ok: true, value: { prefix: `${net.toString()}/${length}`, bytes: net.toByteArray(), length } }
}

export function address6At (prefix: string, index: number): string {
  const [net] = ipaddr.IPv6.parseCIDR(prefix)
  const bytes = net.toByteArray()
  let carry = index
  for (let i = 15; i >= 8 && carry > 0; i--) {
    const sum = bytes[i]! + (carry % 256)
    bytes[i] = sum % 256
    carry = Math.floor(carry / 256) + Math.floor(sum / 256)
  }
  return ipaddr.fromByteArray(bytes).toString()
}

/** A route's destination: any IPv4 or IPv6 CIDR, normalised to its network address. */
export function parseRouteCidr (cidr: string): Parsed<{ cidr: string, family: 4 | 6 }> {
  try {
    const [addr, length] = ipaddr.parseCIDR(cidr)
    const net = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr)
    if (net.toString() !== addr.toString()) return { ok: false, message: `host bits are set: did you mean ${net.toString()}/${length}?` }
    return { ok: true, value: { cidr: `${net.toString()}/${length}`, family: addr.kind() === 'ipv4' ? 4 : 6 } }
  } catch { return { ok: false, message: `"${cidr}" is not a CIDR such as 192.168.10.0/24` } }
}

/** Whether `ip` is a unicast IPv4 or IPv6 address (DNS servers). */
export function isIp (ip: string): boolean {
  return ipaddr.isValid(ip) && (ipaddr.IPv4.isValidFourPartDecimal(ip) || ipaddr.IPv6.isValid(ip))
}

/**
 * Host indexes to try for a new peer: the first `count` free ones. The caller picks one at random
 * among them so that concurrent creations rarely collide; a collision fails the unique constraint
 * (tenant, network, host index) and is retried.
 */
export function freeIndexes (net: Net4, used: Iterable<number>, count: number): number[] {
  const taken = new Set(used)
  const out: number[] = []
  for (let i = 1; i <= net.size - 2 && out.length < count; i++) if (!taken.has(i)) out.push(i)
  return out
}
