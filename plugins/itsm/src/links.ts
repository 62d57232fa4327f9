import type { PluginContext, Transaction } from '@monozu/kernel'
import { cmdbService } from '@monozu/plugin-cmdb/service'
import { devicesService } from '@monozu/plugin-devices/service'
import { ApiError } from '@monozu/kernel'
import type { Links } from './tickets/model.ts'

/**
 * Checks linked CIs and devices through the cmdb and devices services (never their tables): an
 * id the tenant does not have is a 400 naming it. Security findings are kept as opaque ids until
 * the security plugin offers a service to check them.
 */
export async function validateLinks (ctx: PluginContext, trx: Transaction, links: Links): Promise<void> {
  const errors: Array<{ in: string, pointer: string, message: string, rule: string }> = []
  if (links.cis.length) {
    const found = new Set((await ctx.service(cmdbService).getCis(trx, links.cis)).map(c => c.id))
    links.cis.forEach((id, i) => { if (!found.has(id)) errors.push({ in: 'body', pointer: `/links/cis/${i}`, message: `no configuration item ${id}`, rule: 'not_found' }) })
  }
  if (links.devices.length) {
    const found = new Set((await ctx.service(devicesService).getDevices(trx, links.devices)).map(d => d.id))
    links.devices.forEach((id, i) => { if (!found.has(id)) errors.push({ in: 'body', pointer: `/links/devices/${i}`, message: `no device ${id}`, rule: 'not_found' }) })
  }
  if (errors.length) throw new ApiError('validation_failed', errors.map(e => `${e.pointer}: ${e.message}`).join('; '), { extra: { errors } })
}

export interface ImpactView { root: string, name: string | null, truncated: boolean, nodes: Array<{ id: string, name: string, class: string, depth: number }> }

/** The CMDB impact view (what depends on it) of each linked CI that still exists. */
export async function impactOf (ctx: PluginContext, trx: Transaction, cis: string[]): Promise<ImpactView[]> {
  const cmdb = ctx.service(cmdbService)
  const names = new Map((await cmdb.getCis(trx, cis)).map(c => [c.id, c.name]))
  const out: ImpactView[] = []
  for (const id of cis) {
    const view = await cmdb.impact(trx, id, { direction: 'up', depth: 5, maxNodes: 500 })
    if (!view) continue
    out.push({ root: id, name: names.get(id) ?? null, truncated: view.truncated, nodes: view.items.filter(n => n.id !== id).map(n => ({ id: n.id, name: n.name, class: n.type, depth: n.distance })) })
  }
  return out
}
