import ipaddr from 'ipaddr.js'

/** NAT64 prefixes (RFC 6052, RFC 8215): the address stands for the IPv4 address in its last 32 bits. */
const nat64 = ['64:ff9b::/96', '64:ff9b:1::/48'].map(c => ipaddr.IPv6.parseCIDR(c))

/**
 * Why an address may not be fetched on a tenant's behalf, or undefined when it is public.
 * Only global unicast passes: loopback, RFC 1918, link-local (the cloud metadata service at
 * 169.254.169.254 and fd00:ec2::254), CGNAT, multicast, unspecified, broadcast, documentation,
 * 6to4, Teredo and every other special range are refused. `ipaddr.process` turns IPv4-mapped
 * IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries, so the same rule applies to it.
 */
export function refusedRange (address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not_an_address'
  const parsed = ipaddr.process(address)
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6
    if (nat64.some(cidr => v6.match(cidr))) {
      const bytes = v6.toByteArray().slice(12)
      const embedded = refusedRange(bytes.join('.'))
      return embedded ? `nat64:${embedded}` : undefined
    }
  }
  const range = parsed.range()
  return range === 'unicast' ? undefined : range
}
