import { randomUUID } from 'node:crypto'
import type { DemoTenant, PluginContext } from '@monozu/kernel'
import type { SecurityConfig } from '../index.ts'
import { matchName } from '../inventory/names.ts'
import { live } from '../live.ts'
import { scanTenant } from '../findings/scan.ts'
import { loadFixtureFeeds } from './fixtures.ts'

type Pkg = [ecosystem: string, name: string, version: string]

// Hosts named as in the CMDB demo; software as an agent would report it.
const INVENTORY: Array<{ host: string, source: string, software: Pkg[] }> = [
  { host: 'intranet-web-01', source: 'agent', software: [['npm', 'lodash', '4.17.20'], ['npm', 'express', '4.19.2'], ['Debian:11', 'openssl', '1.1.1n-0+deb11u3']] },
  { host: 'erp-app-01', source: 'agent', software: [['Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1'], ['Maven', 'com.fasterxml.jackson.core:jackson-databind', '2.17.1']] },
  { host: 'erp-db-01', source: 'agent', software: [['PyPI', 'Jinja2', '3.1.2'], ['PyPI', 'requests', '2.32.3'], ['Debian:11', 'openssl', '1.1.1w-0+deb11u1']] },
  { host: 'web-01', source: 'agent', software: [['npm', 'lodash', '4.17.21'], ['Debian:11', 'openssl', '1.1.1n-0+deb11u3']] }
]

const ALERTS = [
  { rule_id: 'wazuh-5712', severity: 'high', title: 'SSH brute force attempt (sshd: authentication failed, many times)', source: 'wazuh', host: 'web-01', count: 37 },
  { rule_id: 'suricata-2024897', severity: 'medium', title: 'ET POLICY Outbound connection to a known Tor exit node', source: 'suricata', host: 'fw-hq-01', count: 3 },
  { rule_id: 'defender-av-quarantine', severity: 'low', title: 'Potentially unwanted application quarantined', source: 'defender', host: 'ws-ak-01', count: 1 }
]

/** Acme sees findings at once: the bundled feed fixtures, a small inventory and a first scan. */
export async function seedDemo (ctx: PluginContext<SecurityConfig>, tenant: DemoTenant): Promise<void> {
  await ctx.db.platform({ actor: 'security:seed', reason: 'demo feed fixtures' }, trx => loadFixtureFeeds(trx))
  const now = ctx.clock.now()
  await ctx.db.withTenant(tenant.id, async trx => {
    const rows = INVENTORY.flatMap(a => a.software.map(([ecosystem, name, version]) => ({
      tenant_id: tenant.id, id: randomUUID(), asset_key: `host:${a.host}`, ci_id: null, ci_name: a.host, device_id: null, source: a.source,
      ecosystem, name, match_name: matchName(ecosystem, name), version, purl: null, observed_at: new Date(now.getTime() - 3_600_000), changed_at: now
    })))
    await trx('security_inventory').insert(rows)
    await trx('security_dirty_assets').insert(INVENTORY.map(a => ({ tenant_id: tenant.id, asset_key: `host:${a.host}`, marked_at: now })))
    await trx('security_alerts').insert(ALERTS.map((a, i) => ({
      tenant_id: tenant.id, id: randomUUID(), fingerprint: `demo-${i}`, rule_id: a.rule_id, severity: a.severity, title: a.title, source: a.source, ci_id: null, device_id: null,
      reported_by: null, fields: JSON.stringify({ host: a.host }), state: 'open', suppression_id: null, count: a.count,
      first_seen: new Date(now.getTime() - 86_400_000 * (i + 1)), last_seen: new Date(now.getTime() - 600_000 * (i + 1)), state_changed_at: now, state_changed_by: null, created_at: now
    })))
  })
  await scanTenant(ctx, live(ctx), fn => ctx.db.withTenant(tenant.id, fn), tenant.id, { remediationDays: ctx.config.remediationDays })
}
