import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto'
import type { DemoTenant } from '@monozu/kernel'
import type { Vpn } from '../context.ts'
import { createPeer } from '../api/peer-core.ts'

/** A stable demo public key (its private half is thrown away: demo user devices never connect for real). */
function demoPublicKey (seed: string): string {
  const d = createHash('sha256').update(`monozu-demo-vpn:${seed}`).digest()
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), d]), format: 'der', type: 'pkcs8' })
  return Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url').toString('base64')
}

/**
 * Acme's VPN: one network with three groups and the policies between them, and two user peers
 * (Anna's laptop, Marek's phone). The five demo appliances join when the simulator starts
 * (`--vpn`): it makes a one-off setup key per appliance that puts it in "Appliances", and its
 * handshake reports make the status page live.
 */
export async function seedDemo (vpn: Vpn, tenant: DemoTenant): Promise<void> {
  if (tenant.slug !== 'acme') return
  const now = vpn.ctx.clock.now()
  await vpn.ctx.db.withTenant(tenant.id, async trx => {
    if (await trx('vpn_networks').first('id')) return
    const networkId = randomUUID()
    await trx('vpn_networks').insert({
      tenant_id: tenant.id, id: networkId, name: 'Acme', name_key: 'acme', cidr4: '100.96.0.0/24', prefix6: 'fd61:636d:6500::/64',
      dns: JSON.stringify(['10.10.2.10']), search_domains: JSON.stringify(['acme.local']), listen_port: 51820, mtu: null, created_at: now, updated_at: now
    })
    const group = async (name: string, description: string) => {
      const id = randomUUID()
      await trx('vpn_groups').insert({ tenant_id: tenant.id, id, network_id: networkId, name, name_key: name.toLowerCase(), description, created_at: now })
      return id
    }
    const appliances = await group('Appliances', 'The Monozu appliances at the sites; they join with setup keys')
    const admins = await group('IT admins', 'Administrators: SSH and web consoles of the appliances')
    const staff = await group('Staff', 'Everyone else: the intranet and file shares behind the appliances')
    const policy = (name: string, source: string, destination: string, protocol: string, ports: string[], bidirectional: boolean) => trx('vpn_policies').insert({
      tenant_id: tenant.id, id: randomUUID(), network_id: networkId, name, description: null, source_group_id: source, destination_group_id: destination,
      protocol, ports: JSON.stringify(ports), bidirectional, enabled: true, created_at: now, updated_at: now
    })
    await policy('Appliances mesh', appliances, appliances, 'all', [], true)
    await policy('Admins manage appliances', admins, appliances, 'tcp', ['22', '443', '8443'], false)
    await policy('Staff reach web and files', staff, appliances, 'tcp', ['443', '445'], false)
    await createPeer(vpn, trx, tenant.id, { networkId, name: 'Anna Kowalska – laptop', kind: 'user', publicKey: demoPublicKey('anna'), groupIds: [admins] })
    await createPeer(vpn, trx, tenant.id, { networkId, name: 'Marek Nowak – phone', kind: 'user', publicKey: demoPublicKey('marek'), groupIds: [staff] })
  })
  vpn.ctx.log.info({ tenant: tenant.slug }, 'vpn: demo network seeded')
}
