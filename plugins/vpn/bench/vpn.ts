/**
 * `npm run bench -- vpn`: the VPN's policy compiler and the appliances' config fetch.
 *
 * 1. Compile (pure, in process): BENCH_PEERS peers (default 5,000) in BENCH_GROUPS groups (200;
 *    each peer in 1-3), BENCH_POLICIES random policies (500; a tenth bidirectional, a third with
 *    ports) and 20 subnet routes; `compile()` for every peer, best of 3 after a warm-up, then
 *    rendering BENCH_RENDER (200) peers' wg-quick config and firewall (ms per peer). Target:
 *    compile < 1 s.
 * 2. Config fetch: a kernel (PostgreSQL by default, BENCH_DB=pglite for PGlite) with vpn, devices
 *    and edge-ingest, listening on 127.0.0.1; one tenant whose network holds the same peers (bulk
 *    inserted), BENCH_APPLIANCES enrolled appliances (default 20) among them, and one apply (what
 *    a change does). Then GET /api/v1/vpn/self/networks/<id>/config with X-Device-Key under autocannon
 *    (BENCH_CONNECTIONS, default 10) against a bare Fastify route serving a cached string in the
 *    same process, in alternating slices of BENCH_SECONDS (default 10 in total per side).
 *    Targets: p99 < 20 ms, and at least 0.5 of the bare route's requests per second.
 * 3. One JSON line per figure.
 */
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import { defer, loadRaw, round, runBench, startBenchKernel, summarize } from '@monozu/kernel/testing/bench'
import { compile } from '../src/policy/compile.ts'
import type { CompileInput } from '../src/policy/model.ts'
import { renderFirewall, renderWgQuick, type RenderPeer } from '../src/config/render.ts'

const PEERS = Number(process.env.BENCH_PEERS ?? 5000)
const GROUPS = Number(process.env.BENCH_GROUPS ?? 200)
const POLICIES = Number(process.env.BENCH_POLICIES ?? 500)
const APPLIANCES = Math.min(PEERS, Number(process.env.BENCH_APPLIANCES ?? 20))
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const RENDER_SAMPLE = Number(process.env.BENCH_RENDER ?? 200)
const COMPILE_TARGET_MS = 1000
const FETCH_P99_TARGET_MS = 20
const plugins = ['..', '../../devices/', '../../../edge-ingest/'].map(p => fileURLToPath(new URL(p, import.meta.url)))

// A small deterministic generator: the same network every run.
function rng (seed: number) { let s = seed >>> 0; return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 } }
const keyOf = (i: number) => { const b = Buffer.alloc(32); b.writeUInt32BE(i + 1, 0); b[31] = 0x40; return b.toString('base64') }
const addressOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`.replace(/^10\.0\./, '10.100.')

function network (): CompileInput {
  const r = rng(42)
  const groups = Array.from({ length: GROUPS }, (_, i) => ({ id: randomUUID(), name: `group-${i}` }))
  const peers = Array.from({ length: PEERS }, (_, i) => ({
    id: randomUUID(), name: `peer-${i}`, address4: addressOf(i + 1), address6: null, revoked: false,
    groupIds: [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => groups[Math.floor(r() * GROUPS)]!.id))]
  }))
  const policies = Array.from({ length: POLICIES }, (_, i) => ({
    id: randomUUID(), name: `policy-${i}`, sourceGroupId: groups[Math.floor(r() * GROUPS)]!.id, destinationGroupId: groups[Math.floor(r() * GROUPS)]!.id,
    protocol: (['tcp', 'udp', 'all'] as const)[i % 3]!, ports: i % 3 === 2 ? [] : (i % 3 === 0 ? ['22', '443', '8000-8100'] : ['53']), bidirectional: i % 10 === 0, enabled: true
  }))
  const routes = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), peerId: peers[i]!.id, kind: 'subnet' as const, cidr: `192.168.${i}.0/24`, groupIds: [groups[i]!.id], enabled: true }))
  return { peers, groups, policies, routes }
}

function timeCompile (input: CompileInput): { compileMs: number, renderMs: number, sections: number } {
  const byId = new Map<string, RenderPeer>(input.peers.map((p, i) => [p.id, { id: p.id, name: p.name, kind: 'appliance', publicKey: keyOf(i), address4: p.address4, address6: null, endpoint: null, keepalive: null }]))
  const net = { name: 'bench', prefix: 16, prefix6Length: null, dns: [], searchDomains: [], listenPort: 51820, mtu: null }
  let compileMs = Infinity
  let plans = compile(input)
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now()
    plans = compile(input)
    compileMs = Math.min(compileMs, performance.now() - t0)
  }
  // Rendering RENDER_SAMPLE peers' files (not a target: the apply step renders only appliances';
  // every file of 5,000 peers is ~2.3 M [Peer] sections and would take the bench's whole budget).
  let sections = 0
  for (const plan of plans.values()) sections += plan.peerCount
  const sample = [...plans].slice(0, RENDER_SAMPLE)
  const t1 = performance.now()
  for (const [id, plan] of sample) { renderWgQuick(net, byId.get(id)!, plan, byId); renderFirewall(byId.get(id)!, plan) }
  return { compileMs, renderMs: (performance.now() - t1) / Math.max(1, sample.length), sections }
}

async function main (): Promise<void> {
  const input = network()
  const c = timeCompile(input)
  console.log(`compile: ${PEERS} peers, ${GROUPS} groups, ${POLICIES} policies, 20 routes -> ${c.sections} [Peer] sections: compile ${round(c.compileMs, 1)} ms, render ${round(c.renderMs, 2)} ms per peer's config (${Math.min(RENDER_SAMPLE, PEERS)} rendered; compile: best of 3 after a warm-up)`)

  const { k, url, db } = await startBenchKernel({ plugins })
  const tenant = await k.createTenant({ slug: 'bench-vpn', name: 'Bench VPN' })
  await k.grantLicense(tenant, ['vpn', 'devices', 'ingest'])
  const token = (await k.signIn(tenant, ['tenant-admin'])).token

  // Appliances enrol the real way; the other peers and the policies are bulk inserted.
  const devices: Array<{ deviceId: string, deviceKey: string }> = []
  for (let i = 0; i < APPLIANCES; i++) {
    const enrolment = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token, body: {} })
    const res = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': enrolment.body.token }, body: { hostname: `bench-edge-${i}`, os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() } })
    if (res.status !== 201) throw new Error(`enrolment: ${res.status} ${JSON.stringify(res.body)}`)
    devices.push(res.body)
  }
  const netId = randomUUID()
  const now = new Date()
  await k.db.withTenant(tenant.id, async trx => {
    await trx('vpn_networks').insert({ tenant_id: tenant.id, id: netId, name: 'bench', name_key: 'bench', cidr4: '10.0.0.0/8', prefix6: null, dns: '[]', search_domains: '[]', listen_port: 51820, mtu: null, created_at: now, updated_at: now })
    await trx.batchInsert('vpn_groups', input.groups.map(g => ({ tenant_id: tenant.id, id: g.id, network_id: netId, name: g.name, name_key: g.name, created_at: now })), 500)
    await trx.batchInsert('vpn_peers', input.peers.map((p, i) => ({
      tenant_id: tenant.id, id: p.id, network_id: netId, name: p.name, kind: i < APPLIANCES ? 'appliance' : 'user', device_id: i < APPLIANCES ? devices[i]!.deviceId : null,
      user_id: null, public_key: keyOf(i), address4: p.address4, host_index: i + 1, address6: null, endpoint: null, keepalive: null, key_created_at: now, revoked_at: null, setup_key_id: null, created_at: now, updated_at: now
    })), 500)
    await trx.batchInsert('vpn_group_members', input.peers.flatMap(p => p.groupIds.map(g => ({ tenant_id: tenant.id, group_id: g, peer_id: p.id }))), 1000)
    await trx.batchInsert('vpn_policies', input.policies.map(p => ({
      tenant_id: tenant.id, id: p.id, network_id: netId, name: p.name, description: null, source_group_id: p.sourceGroupId, destination_group_id: p.destinationGroupId,
      protocol: p.protocol, ports: JSON.stringify(p.ports), bidirectional: p.bidirectional, enabled: true, created_at: now, updated_at: now
    })), 500)
  })
  // One change through the API: it renders every appliance's config and queues vpn.apply.
  const t0 = performance.now()
  const patched = await k.request('PATCH', `/api/v1/vpn/networks/${netId}`, { token, body: { dns: ['10.0.0.53'] } })
  if (patched.status !== 200) throw new Error(`apply: ${patched.status} ${JSON.stringify(patched.body)}`)
  const applyMs = performance.now() - t0
  console.log(`a network change (load ${PEERS} peers, compile, render and queue vpn.apply for ${APPLIANCES} appliances) took ${round(applyMs)} ms over HTTP`)

  // What an agent polls: its config for one network (one interface per network), with its device key.
  const configUrl = `${url}/api/v1/vpn/self/networks/${netId}/config`
  const sample = await fetch(configUrl, { headers: { 'x-device-key': devices[0]!.deviceKey } })
  const body = await sample.text()
  if (sample.status !== 200) throw new Error(`config fetch: ${sample.status} ${body}`)

  const bare = Fastify({ logger: false })
  bare.get('/config', async (_request, reply) => reply.type('text/plain; charset=utf-8').header('etag', '"x"').send(body))
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 })
  defer(() => bare.close())

  const fetchOptions = { url: configUrl, connections: CONNECTIONS, headers: { 'x-device-key': devices[0]!.deviceKey } }
  const bareOptions = { url: `${bareUrl}/config`, connections: CONNECTIONS }
  const slices = Math.max(1, Math.round(SECONDS / 2))
  const slice = Math.max(1, SECONDS / slices)
  await loadRaw({ ...fetchOptions, duration: 1 })
  await loadRaw({ ...bareOptions, duration: 1 })
  const runs = { vpn: [] as Awaited<ReturnType<typeof loadRaw>>[], bare: [] as Awaited<ReturnType<typeof loadRaw>>[] }
  for (let i = 0; i < slices; i++) {
    for (const which of (i % 2 === 0 ? ['bare', 'vpn'] : ['vpn', 'bare']) as Array<'bare' | 'vpn'>) {
      runs[which].push(await loadRaw({ ...(which === 'bare' ? bareOptions : fetchOptions), duration: slice }))
    }
  }
  const served = summarize(runs.vpn, fetchOptions)
  const baseline = summarize(runs.bare, bareOptions)
  if (served.non2xx > 0 || served.errors > 0) throw new Error(`config fetch: ${served.non2xx} non-2xx, ${served.errors} errors`)
  console.log(`GET /api/v1/vpn/self/networks/:id/config (${body.length} bytes): ${round(served.rps)} req/s, p50 ${served.p50} ms, p99 ${served.p99} ms; bare Fastify cached string: ${round(baseline.rps)} req/s, p99 ${baseline.p99} ms (${CONNECTIONS} connections, ${SECONDS} s each)`)

  console.log(JSON.stringify({
    bench: 'vpn', metric: 'compile', figure: round(c.compileMs, 1), unit: 'ms', target: `< ${COMPILE_TARGET_MS} ms (${PEERS} peers, ${GROUPS} groups, ${POLICIES} policies)`,
    meets: c.compileMs < COMPILE_TARGET_MS, renderMsPerPeer: round(c.renderMs, 2), sections: c.sections, peers: PEERS, groups: GROUPS, policies: POLICIES
  }))
  const ratio = served.rps / baseline.rps
  console.log(JSON.stringify({
    bench: 'vpn', metric: 'config-fetch-p99', figure: served.p99, unit: 'ms', baseline: baseline.p99, rps: round(served.rps), baselineRps: round(baseline.rps), ratio: round(ratio, 2),
    target: `p99 < ${FETCH_P99_TARGET_MS} ms and >= 0.5 of a bare Fastify route's req/s (${PEERS} peers)`, meets: served.p99 < FETCH_P99_TARGET_MS && ratio >= 0.5,
    database: db, connections: CONNECTIONS, applyMs: round(applyMs)
  }))
}

await runBench(main)
