import { randomUUID } from 'node:crypto'
import type { DemoTenant, PluginContext } from '@monozu/kernel'
import { applyInput } from '../cis/input.ts'
import { emptyState, type ChangeContext, type Ci } from '../cis/model.ts'
import { ciPublisher } from '../cis/events.ts'
import { insertCis, newCi } from '../cis/store.ts'
import { recordChanges } from '../history/log.ts'
import { loadRegistry } from '../types/registry.ts'

type Row = [type: string, name: string, fields: Record<string, unknown>]

// Acme: an office in Warsaw with a small server room. Identifiers look real so the discovery
// demo (an appliance reporting the same serials) reconciles instead of duplicating.
const ESTATE: Row[] = [
  ['network-device', 'fw-hq-01', { site: 'WAW-HQ', hostname: 'fw-hq-01', serial: 'FG100FTK21009876', manufacturer: 'Fortinet', model: 'FortiGate 100F', role: 'firewall', ipAddress: '10.10.0.1', firmware: '7.4.3', ports: 22 }],
  ['network-device', 'sw-core-01', { site: 'WAW-HQ', hostname: 'sw-core-01', serial: 'FOC2451X0AB', macs: ['00:1b:54:aa:10:01'], manufacturer: 'Cisco', model: 'Catalyst 9300-48P', role: 'switch', ipAddress: '10.10.0.2', ports: 48 }],
  ['network-device', 'sw-floor1-01', { site: 'WAW-HQ', hostname: 'sw-floor1-01', serial: 'FOC2451X0CD', manufacturer: 'Cisco', model: 'Catalyst 9200-24P', role: 'switch', ipAddress: '10.10.0.3', ports: 24 }],
  ['network-device', 'ap-floor1-01', { site: 'WAW-HQ', hostname: 'ap-floor1-01', serial: 'Q2KD-8XYZ-4LMN', manufacturer: 'Cisco Meraki', model: 'MR46', role: 'access-point', ipAddress: '10.10.0.21' }],
  ['server', 'esx-01', { site: 'WAW-HQ', hostname: 'esx-01', serial: 'CZ21450AB1', hardwareUuid: '4c4c4544-0032-3510-8043-b4c04f4e3132', macs: ['b4:96:91:aa:01:01', 'b4:96:91:aa:01:02'], manufacturer: 'Dell', model: 'PowerEdge R650', os: 'VMware ESXi', osVersion: '8.0 U2', cpuCores: 32, memoryGb: 512, ipAddress: '10.10.1.11', environment: 'production', warrantyEnd: '2027-03-31', rack: 'R1-U10' }],
  ['server', 'esx-02', { site: 'WAW-HQ', hostname: 'esx-02', serial: 'CZ21450AB2', hardwareUuid: '4c4c4544-0032-3510-8043-b4c04f4e3133', macs: ['b4:96:91:aa:02:01', 'b4:96:91:aa:02:02'], manufacturer: 'Dell', model: 'PowerEdge R650', os: 'VMware ESXi', osVersion: '8.0 U2', cpuCores: 32, memoryGb: 512, ipAddress: '10.10.1.12', environment: 'production', warrantyEnd: '2027-03-31', rack: 'R1-U12' }],
  ['server', 'nas-01', { site: 'WAW-HQ', hostname: 'nas-01', serial: '2260QBR0123', manufacturer: 'Synology', model: 'RS2423RP+', os: 'DSM', osVersion: '7.2', cpuCores: 8, memoryGb: 32, ipAddress: '10.10.1.20', environment: 'production', rack: 'R1-U20' }],
  ['vm', 'dc-01', { site: 'WAW-HQ', hostname: 'dc-01', hardwareUuid: '564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a01', os: 'Windows Server', osVersion: '2022', cpuCores: 4, memoryGb: 16, ipAddress: '10.10.2.10', environment: 'production' }],
  ['vm', 'file-01', { site: 'WAW-HQ', hostname: 'file-01', hardwareUuid: '564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a02', os: 'Windows Server', osVersion: '2022', cpuCores: 4, memoryGb: 16, ipAddress: '10.10.2.11', environment: 'production' }],
  ['vm', 'erp-db-01', { site: 'WAW-HQ', hostname: 'erp-db-01', hardwareUuid: '564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a03', os: 'Ubuntu', osVersion: '22.04 LTS', cpuCores: 8, memoryGb: 64, ipAddress: '10.10.2.20', environment: 'production' }],
  ['vm', 'erp-app-01', { site: 'WAW-HQ', hostname: 'erp-app-01', hardwareUuid: '564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a04', os: 'Windows Server', osVersion: '2022', cpuCores: 8, memoryGb: 32, ipAddress: '10.10.2.21', environment: 'production' }],
  ['vm', 'web-01', { site: 'WAW-HQ', hostname: 'web-01', hardwareUuid: '564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a05', os: 'Debian', osVersion: '12', cpuCores: 2, memoryGb: 4, ipAddress: '10.10.3.10', environment: 'production' }],
  ['vm', 'backup-01', { site: 'WAW-HQ', hostname: 'backup-01', hardwareUuid: '564d1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a06', os: 'Windows Server', osVersion: '2022', cpuCores: 4, memoryGb: 16, ipAddress: '10.10.2.30', environment: 'production' }],
  ['application', 'Active Directory', { vendor: 'Microsoft', softwareVersion: '2022', environment: 'production', owner: 'IT' }],
  ['application', 'Comarch ERP XL', { vendor: 'Comarch', softwareVersion: '2024.1', environment: 'production', owner: 'Finance' }],
  ['application', 'PostgreSQL (ERP)', { vendor: 'PostgreSQL', softwareVersion: '15.6', environment: 'production', owner: 'IT' }],
  ['application', 'Intranet (WordPress)', { vendor: 'WordPress', softwareVersion: '6.5', url: 'https://intranet.acme.example', environment: 'production', owner: 'HR' }],
  ['application', 'Veeam Backup & Replication', { vendor: 'Veeam', softwareVersion: '12.1', environment: 'production', owner: 'IT' }],
  ['service', 'Sign-in and file shares', { owner: 'IT', criticality: 'critical', sla: '99.9% business hours' }],
  ['service', 'ERP', { owner: 'Finance', criticality: 'high', sla: '99.5% business hours', url: 'https://erp.acme.example' }],
  ['service', 'Intranet', { owner: 'HR', criticality: 'medium', url: 'https://intranet.acme.example' }],
  ['service', 'Backups', { owner: 'IT', criticality: 'high', sla: 'RPO 24 h, RTO 8 h' }],
  ['service', 'Internet access', { owner: 'IT', criticality: 'critical' }],
  ['workstation', 'ws-anna-kowalska', { site: 'WAW-HQ', hostname: 'ws-ak-01', serial: '5CG3281XYZ', macs: ['3c:52:82:11:22:33'], manufacturer: 'HP', model: 'EliteBook 840 G10', os: 'Windows 11', osVersion: '23H2', assignedTo: 'Anna Kowalska', warrantyEnd: '2026-09-30' }],
  ['workstation', 'ws-marek-nowak', { site: 'WAW-HQ', hostname: 'ws-mn-02', serial: '5CG3281XZA', macs: ['3c:52:82:11:22:44'], manufacturer: 'HP', model: 'EliteBook 840 G10', os: 'Windows 11', osVersion: '23H2', assignedTo: 'Marek Nowak', warrantyEnd: '2026-09-30' }]
]

// [source, relation, target]: the source depends on the target.
const RELATIONS: Array<[string, string, string]> = [
  ['dc-01', 'runs_on', 'esx-01'], ['file-01', 'runs_on', 'esx-01'], ['erp-db-01', 'runs_on', 'esx-02'], ['erp-app-01', 'runs_on', 'esx-02'],
  ['web-01', 'runs_on', 'esx-01'], ['backup-01', 'runs_on', 'esx-02'],
  ['esx-01', 'connected_to', 'sw-core-01'], ['esx-02', 'connected_to', 'sw-core-01'], ['nas-01', 'connected_to', 'sw-core-01'],
  ['sw-core-01', 'connected_to', 'fw-hq-01'], ['sw-floor1-01', 'connected_to', 'sw-core-01'], ['ap-floor1-01', 'connected_to', 'sw-floor1-01'],
  ['ws-anna-kowalska', 'connected_to', 'sw-floor1-01'], ['ws-marek-nowak', 'connected_to', 'ap-floor1-01'],
  ['Active Directory', 'runs_on', 'dc-01'], ['Comarch ERP XL', 'runs_on', 'erp-app-01'], ['PostgreSQL (ERP)', 'runs_on', 'erp-db-01'],
  ['Comarch ERP XL', 'depends_on', 'PostgreSQL (ERP)'], ['Comarch ERP XL', 'depends_on', 'Active Directory'],
  ['Intranet (WordPress)', 'runs_on', 'web-01'], ['Veeam Backup & Replication', 'runs_on', 'backup-01'], ['backup-01', 'depends_on', 'nas-01'],
  ['Sign-in and file shares', 'depends_on', 'Active Directory'], ['Sign-in and file shares', 'depends_on', 'file-01'],
  ['ERP', 'depends_on', 'Comarch ERP XL'], ['Intranet', 'depends_on', 'Intranet (WordPress)'], ['Backups', 'depends_on', 'Veeam Backup & Replication'],
  ['Internet access', 'depends_on', 'fw-hq-01']
]

/** A realistic small estate for the demo tenant Acme (only): CIs, a custom field, relations. */
export async function seedDemo (ctx: PluginContext, tenant: DemoTenant): Promise<void> {
  if (tenant.slug !== 'acme') return
  const at = new Date()
  const change: ChangeContext = { actor: { kind: 'user', id: 'demo-seed', name: 'Demo data' }, requestId: `demo-seed-${at.getTime()}`, message: 'Demo data', at, publish: ciPublisher(ctx) }
  const by = { by: 'user' as const, userId: 'demo-seed', at: at.toISOString() }
  await ctx.db.withTenant(tenant.id, async trx => {
    if (await trx('cmdb_cis').first('id')) return // seeded already
    await trx('cmdb_types').insert({
      tenant_id: tenant.id, key: 'server', builtin: true, label: 'Server', description: null, created_at: at, updated_at: at,
      fields: JSON.stringify([{ key: 'rack', label: 'Rack position', kind: 'text', regex: 'R[0-9]+-U[0-9]{1,2}' }])
    })
    const registry = await loadRegistry(trx)
    const byName = new Map<string, Ci>()
    const cis = ESTATE.map(([type, name, fields]) => {
      // Through the same checks as user input, so the demo data is canonical (and stays valid).
      const applied = applyInput(registry.get(type)!, { ...emptyState(''), status: '' }, { name, status: 'active', ...fields }, 'json', { create: true })
      if (applied.errors.length > 0) throw new Error(`cmdb demo seed: ${name}: ${JSON.stringify(applied.errors)}`)
      const ci = newCi({ id: randomUUID(), type, state: applied.state, sources: Object.fromEntries(applied.changed.map(k => [k, by])), at })
      byName.set(name, ci)
      return ci
    })
    await insertCis(trx, tenant.id, cis, change)
    const rows = RELATIONS.map(([s, type, t]) => ({ tenant_id: tenant.id, id: randomUUID(), source_id: byName.get(s)!.id, target_id: byName.get(t)!.id, type, created_at: at }))
    await trx('cmdb_relations').insert(rows)
    await recordChanges(trx, tenant.id, rows.map(r => ({ entity: 'relation', action: 'create', ciId: r.source_id, otherCiId: r.target_id, relationId: r.id, before: null, after: { sourceId: r.source_id, targetId: r.target_id, type: r.type } })), change)
  })
}
