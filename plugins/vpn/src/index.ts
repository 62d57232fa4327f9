import { definePlugin } from '@monozu/kernel'
import { groupRoutes } from './api/groups.ts'
import { networkRoutes } from './api/networks.ts'
import { peerRoutes } from './api/peers.ts'
import { policyRoutes } from './api/policies.ts'
import { reachabilityRoutes } from './api/reachability.ts'
import { routingRoutes } from './api/routing.ts'
import { setupKeyRoutes } from './api/setup-keys.ts'
import { topologyRoutes } from './api/topology.ts'
import { serveConfigs } from './config/serve.ts'
import { trackApplyResults } from './config/results.ts'
import { selfRoutes } from './config/self.ts'
import { vpnOf, type VpnConfig } from './context.ts'
import { seedDemo } from './seed/demo.ts'
import { statusRoutes } from './status/routes.ts'
import { remindKeyRotation } from './status/keys.ts'
import { sweep, trackStatus } from './status/track.ts'

export type { VpnConfig }

/**
 * The VPN: WireGuard networks, peers (public keys only), groups, policies compiled into each
 * peer's AllowedIPs and firewall, setup keys, routes, wg-quick configs served to appliances, and
 * live status with history and flap detection from the appliances' vpn_status reports.
 * README.md is the API reference.
 */
export default definePlugin<VpnConfig>({
  start (ctx, app) {
    const vpn = vpnOf(ctx)
    networkRoutes(app, vpn)
    peerRoutes(app, vpn)
    groupRoutes(app, vpn)
    policyRoutes(app, vpn)
    routingRoutes(app, vpn)
    setupKeyRoutes(app, vpn)
    reachabilityRoutes(app, vpn)
    topologyRoutes(app, vpn)
    statusRoutes(app, vpn)
    serveConfigs(vpn)
    selfRoutes(app, vpn)
    trackApplyResults(vpn)
    ctx.ingest.consume('vpn_status', (events, trx) => trackStatus(vpn, events, trx), { batchSize: 200 })
    ctx.jobs.define('sweep', job => job.withTenant(trx => sweep(vpn, trx, job.tenantId!)), { concurrency: 1 })
    ctx.jobs.define('key-age', async job => { await job.withTenant(trx => remindKeyRotation(vpn, trx, job.tenantId!)) })
    ctx.tenants.nameSubjects(async (trx, ids) => trx('vpn_peers').whereIn('id', ids).select('id', 'name'))
  },
  seedDemo: (ctx, tenant) => seedDemo(vpnOf(ctx), tenant)
})
