import type { Transaction } from '@monozu/kernel'
import type { Vpn } from '../context.ts'

/**
 * The daily `key-age` job: tells the tenant's VPN admins which peers' keys are older than
 * keyRotationDays (in-app, and by email for those who want it). Nothing when none is.
 */
export async function remindKeyRotation (vpn: Vpn, trx: Transaction, tenantId: string): Promise<number> {
  const days = vpn.ctx.config.keyRotationDays
  const before = new Date(vpn.ctx.clock.nowMs() - days * 86_400_000)
  const old = await trx('vpn_peers').whereNull('revoked_at').where('key_created_at', '<', before).orderBy('key_created_at').select('id', 'name') as Array<{ id: string, name: string }>
  if (old.length === 0) return 0
  const names = old.slice(0, 5).map(p => p.name).join(', ') + (old.length > 5 ? ', …' : '')
  await vpn.ctx.notify({
    tenantId,
    type: 'vpn.key_rotation_due',
    to: { permissions: ['vpn.admin'] },
    severity: 'warning',
    title: { en: `${old.length} VPN key(s) older than ${days} days`, pl: `Klucze VPN starsze niż ${days} dni: ${old.length}` },
    body: { en: `Rotate the keys of: ${names}.`, pl: `Wymień klucze węzłów: ${names}.` },
    link: old.length === 1 ? `/vpn/peers/${old[0]!.id}` : '/vpn'
  }, trx)
  return old.length
}
