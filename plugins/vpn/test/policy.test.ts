import t from 'tap'
import { compile } from '../src/policy/compile.ts'
import { reachability } from '../src/policy/reachability.ts'
import type { CompileInput, CompilePolicy } from '../src/policy/model.ts'
import { parsePortRange, portAllowed } from '../src/policy/ports.ts'

// Hand-worked network: admins (A) -> servers (S1, S2) ssh one way; laptops (L) -> servers web one
// way; servers <-> servers everything; X is in no group.
const peer = (id: string, n: number, groupIds: string[], revoked = false) => ({ id, name: id, address4: `100.64.0.${n}`, address6: null, groupIds, revoked })
const policy = (p: Partial<CompilePolicy> & Pick<CompilePolicy, 'id' | 'sourceGroupId' | 'destinationGroupId'>): CompilePolicy =>
  ({ name: p.id, protocol: 'tcp', ports: [], bidirectional: false, enabled: true, ...p })
const base = (): CompileInput => ({
  peers: [peer('A', 1, ['admins']), peer('S1', 2, ['servers']), peer('S2', 3, ['servers']), peer('L', 4, ['laptops']), peer('X', 5, [])],
  groups: [{ id: 'admins', name: 'Admins' }, { id: 'servers', name: 'Servers' }, { id: 'laptops', name: 'Laptops' }],
  policies: [
    policy({ id: 'ssh', sourceGroupId: 'admins', destinationGroupId: 'servers', ports: ['22'] }),
    policy({ id: 'web', sourceGroupId: 'laptops', destinationGroupId: 'servers', ports: ['443', '8000-8100'] }),
    policy({ id: 'mesh', sourceGroupId: 'servers', destinationGroupId: 'servers', protocol: 'all', bidirectional: true })
  ],
  routes: []
})
const peersOf = (plans: ReturnType<typeof compile>, id: string) => plans.get(id)!.peers.map(p => p.peerId)
const rulesOf = (plans: ReturnType<typeof compile>, id: string) => plans.get(id)!.inbound.map(r => `${r.policyId}:${r.fromGroupId}:${r.protocol}:${r.ports.join(',')}:${r.from.join(',')}`)

t.test('ports', async t => {
  t.same(parsePortRange('8000-8100'), { from: 8000, to: 8100 })
  t.equal(parsePortRange('0'), null)
  t.equal(parsePortRange('70000'), null)
  t.equal(parsePortRange('90-80'), null)
  t.ok(portAllowed([], 1))
  t.ok(portAllowed(['22', '8000-8100'], 8050))
  t.notOk(portAllowed(['22', '8000-8100'], 80))
})

t.test('deny by default: peers and inbound rules only where a policy says so', async t => {
  const plans = compile(base())
  t.same(peersOf(plans, 'A'), ['S1', 'S2'], 'admins see the servers')
  t.same(rulesOf(plans, 'A'), [], 'nothing may open a connection to an admin (ssh is one way)')
  t.same(peersOf(plans, 'S1'), ['A', 'S2', 'L'], 'a server sees admins, the other server and laptops')
  t.same(rulesOf(plans, 'S1'), [
    'ssh:admins:tcp:22:100.64.0.1/32',
    'web:laptops:tcp:443,8000-8100:100.64.0.4/32',
    'mesh:servers:all::100.64.0.2/32,100.64.0.3/32'
  ], 'one rule per policy, the bidirectional group-to-itself policy once')
  t.same(peersOf(plans, 'L'), ['S1', 'S2'])
  t.same(rulesOf(plans, 'L'), [])
  t.same(peersOf(plans, 'X'), [], 'a peer in no group is nobody\'s peer')
  t.same(rulesOf(plans, 'X'), [])
  t.same(plans.get('S1')!.peers.find(p => p.peerId === 'A')!.allowedIps, ['100.64.0.1/32'])
})

t.test('bidirectional adds the reverse inbound rule; disabled and revoked take part in nothing', async t => {
  const input = base()
  input.policies[0]!.bidirectional = true
  let plans = compile(input)
  t.same(rulesOf(plans, 'A'), ['ssh:servers:tcp:22:100.64.0.2/32,100.64.0.3/32'], 'servers may now ssh to admins')

  input.policies[1]!.enabled = false
  input.peers[2]!.revoked = true
  plans = compile(input)
  t.same(peersOf(plans, 'L'), [], 'the disabled web policy no longer connects laptops')
  t.same(peersOf(plans, 'A'), ['S1'], 'the revoked S2 vanished from the admin\'s config')
  t.same(peersOf(plans, 'S1'), ['A'])
  t.notOk(plans.has('S2'), 'a revoked peer gets no plan')
  t.same(rulesOf(plans, 'S1'), ['ssh:admins:tcp:22:100.64.0.1/32', 'mesh:servers:all::100.64.0.2/32'])
})

t.test('routes: subnet routers and exit nodes in AllowedIPs, forwarding on the router, shadowing', async t => {
  const input = base()
  input.routes = [
    { id: 'lan', peerId: 'S1', kind: 'subnet', cidr: '192.168.10.0/24', groupIds: ['laptops'], enabled: true },
    { id: 'exit', peerId: 'S2', kind: 'exit', cidr: '0.0.0.0/0', groupIds: ['laptops'], enabled: true },
    { id: 'lan-again', peerId: 'S2', kind: 'subnet', cidr: '192.168.10.0/24', groupIds: ['laptops'], enabled: true },
    { id: 'off', peerId: 'S2', kind: 'subnet', cidr: '10.9.0.0/16', groupIds: ['laptops'], enabled: false }
  ]
  input.peers.push(peer('L2', 6, ['laptops']))
  input.policies = [] // routes alone connect the laptops with their routers
  const plans = compile(input)
  t.same(plans.get('L')!.peers, [
    { peerId: 'S1', allowedIps: ['100.64.0.2/32', '192.168.10.0/24'] },
    { peerId: 'S2', allowedIps: ['100.64.0.3/32', '0.0.0.0/0', '::/0'] }
  ])
  t.same(plans.get('L')!.shadowedRoutes, ['lan-again'], 'one destination, one router: WireGuard routes by AllowedIPs')
  t.same(plans.get('S1')!.forward, [{ routeId: 'lan', kind: 'subnet', to: '192.168.10.0/24', from: ['100.64.0.4/32', '100.64.0.6/32'] }])
  t.same(peersOf(plans, 'A'), [], 'admins are not in the route\'s groups')
})

t.test('reachability answers with the policies, or what is missing', async t => {
  const input = base()
  t.match(reachability(input, 'A', 'S1', 'tcp', 22), { allowed: true, reason: 'allowed', policies: [{ id: 'ssh', direction: 'forward' }] })
  t.match(reachability(input, 'A', 'S1', 'tcp', 80), { allowed: false, reason: 'mismatch', nearMisses: [{ id: 'ssh', mismatch: 'port' }], missing: { fromGroupIds: ['admins'], toGroupIds: ['servers'], protocol: 'tcp', port: 80 } })
  t.match(reachability(input, 'S1', 'A', 'tcp', 22), { allowed: false, nearMisses: [{ id: 'ssh', mismatch: 'direction' }] }, 'one-way: the server cannot open a connection to the admin')
  t.match(reachability(input, 'L', 'S1', 'udp', 443), { allowed: false, nearMisses: [{ id: 'web', mismatch: 'protocol' }] })
  t.match(reachability(input, 'L', 'S2', 'tcp', 8080), { allowed: true, policies: [{ id: 'web' }] })
  t.match(reachability(input, 'S1', 'S2', 'udp', 53), { allowed: true, policies: [{ id: 'mesh' }] })
  t.match(reachability(input, 'X', 'S1', 'tcp', 22), { allowed: false, reason: 'no_groups' })
  t.match(reachability(input, 'L', 'A', 'tcp', null), { allowed: false, reason: 'no_policy', policies: [], nearMisses: [], missing: { fromGroupIds: ['laptops'], toGroupIds: ['admins'] } })
  input.policies[0]!.enabled = false
  t.match(reachability(input, 'A', 'S1', 'tcp', 22), { allowed: false, nearMisses: [{ id: 'ssh', mismatch: 'disabled' }] })
  input.policies[0]!.enabled = true
  input.policies[0]!.bidirectional = true
  t.match(reachability(input, 'S1', 'A', 'tcp', 22), { allowed: true, policies: [{ id: 'ssh', direction: 'reverse' }] })
  input.peers[0]!.revoked = true
  t.match(reachability(input, 'A', 'S1', 'tcp', 22), { allowed: false, reason: 'revoked' })
})
