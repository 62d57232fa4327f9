import type { PluginContext, Transaction } from '@monozu/kernel'
import { cmdbService } from '@monozu/plugin-cmdb/service'
import { devicesService } from '@monozu/plugin-devices/service'
import { securityService } from '@monozu/plugin-security/service'
import { ApiError } from '@monozu/kernel'
import type { Links } from './tickets/model.ts'

/**
 * Checks linked CIs, devices and security findings through the cmdb, devices and security
 * services (never their tables): an id the tenant does not have (another tenant's included) is a
 * 400 naming it.
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
  if (links.findings.length) {
    const found = new Set((await ctx.service(securityService).getFindings(trx, links.findings)).map(f => f.id))
    links.findings.forEach((id, i) => { if (!found.has(id)) errors.push({ in: 'body', pointer: `/links/findings/${i}`, message: `no security finding ${id}`, rule: 'not_found' }) })
  }
  if (errors.length) throw new ApiError('validation_failed', errors.map(e => `${e.pointer}: ${e.message}`).join('; '), { extra: { errors } })
}

/** A linked thing as the ticket shows it: its current name, or `found: false` once it is gone. */
export interface NamedLink { id: string, found: boolean, name: string | null, kind: string | null, status: string | null }
export interface NamedLinks { cis: NamedLink[], devices: NamedLink[], findings: NamedLink[] }

/**
 * The ticket's links with the names their plugins give them now (cmdb, devices and security
 * services; one call each). A CI or device deleted since it was linked stays listed, `found: false`, so nobody
 * wonders where a link went.
 */
export async function namedLinks (ctx: PluginContext, trx: Transaction, links: Links): Promise<NamedLinks> {
  const cis = links.cis.length ? new Map((await ctx.service(cmdbService).getCis(trx, links.cis)).map(c => [c.id, c])) : new Map()
  const devices = links.devices.length ? new Map((await ctx.service(devicesService).getDevices(trx, links.devices)).map(d => [d.id, d])) : new Map()
  const findings = links.findings.length ? new Map((await ctx.service(securityService).getFindings(trx, links.findings)).map(f => [f.id, f])) : new Map()
  const named = <T>(ids: string[], found: Map<string, T>, fields: (x: T) => Omit<NamedLink, 'id' | 'found'>): NamedLink[] =>
    ids.map(id => { const x = found.get(id); return x ? { id, found: true, ...fields(x) } : { id, found: false, name: null, kind: null, status: null } })
  return {
    cis: named(links.cis, cis, c => ({ name: c.name, kind: c.type, status: c.status })),
    devices: named(links.devices, devices, d => ({ name: d.name, kind: 'device', status: d.status })),
    findings: named(links.findings, findings, f => ({ name: f.title, kind: f.severity, status: f.state }))
  }
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
