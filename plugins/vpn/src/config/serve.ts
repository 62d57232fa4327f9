import type { Transaction } from '@monozu/kernel'
import type { Vpn } from '../context.ts'

/**
 * What appliances fetch with their device key: GET /api/v1/devices/self/vpn/config (wg-quick)
 * and .../vpn/firewall (JSON rules). Devices owns the route, the key check, the ETag and 304;
 * this answers the stored render (the apply step keeps it current), so a fetch is one indexed
 * read. A device that is no peer (or only a revoked one) gets 404.
 */
export function serveConfigs (vpn: Vpn): void {
  const stored = (column: 'config' | 'firewall') => async (trx: Transaction, device: { tenantId: string, deviceId: string }) => {
    if (!await vpn.ctx.enabledFor(device.tenantId)) return null
    const rows = await trx('vpn_appliance_configs').where({ device_id: device.deviceId }).orderBy('peer_id').select(column) as Array<Record<string, string>>
    if (rows.length === 0) return null
    // An appliance in several networks gets one file per network, concatenated (one interface each is the agent's job).
    return column === 'config'
      ? { body: rows.map(r => r.config).join('\n'), contentType: 'text/plain; charset=utf-8' }
      : { body: rows.length === 1 ? rows[0]!.firewall! : `[${rows.map(r => r.firewall).join(',')}]`, contentType: 'application/json' }
  }
  vpn.devices().serveToDevices('vpn/config', stored('config'))
  vpn.devices().serveToDevices('vpn/firewall', stored('firewall'))
}
