import type { CompileInput, CompilePolicy, Protocol } from './model.ts'
import { portAllowed } from './ports.ts'

export interface PolicyRef { id: string, name: string, direction: 'forward' | 'reverse', sourceGroupId: string, destinationGroupId: string, protocol: Protocol, ports: string[] }

/** Why a policy that connects the two peers' groups still does not allow the traffic asked about. */
export interface NearMiss extends PolicyRef { mismatch: 'protocol' | 'port' | 'disabled' | 'direction' }

export interface Reachability {
  allowed: boolean
  /** A short machine-readable reason: allowed, revoked, same_peer, no_groups, no_policy, mismatch. */
  reason: 'allowed' | 'same_peer' | 'revoked' | 'no_groups' | 'no_policy' | 'mismatch'
  /** The policies that allow it. */
  policies: PolicyRef[]
  /** Policies between the two peers' groups that do not allow this traffic, and why. */
  nearMisses: NearMiss[]
  /** What would allow it: a policy from one of these groups to one of those. */
  missing: { fromGroupIds: string[], toGroupIds: string[], protocol: Protocol, port: number | null } | null
}

const ref = (p: CompilePolicy, direction: 'forward' | 'reverse'): PolicyRef => ({
  id: p.id, name: p.name, direction, sourceGroupId: p.sourceGroupId, destinationGroupId: p.destinationGroupId, protocol: p.protocol, ports: p.ports
})

/**
 * Can `fromId` open a connection to `toId` (protocol, port)? Answers with the allowing policies
 * or, when none allows it, the policies that come close and what is missing. Pure; the same rules
 * as `compile` (deny by default, a one-way policy only lets its source open connections).
 */
export function reachability (input: CompileInput, fromId: string, toId: string, protocol: Protocol = 'tcp', port: number | null = null): Reachability {
  const from = input.peers.find(p => p.id === fromId)
  const to = input.peers.find(p => p.id === toId)
  if (!from || !to) throw new Error('reachability: both peers must belong to the network')
  const none = { policies: [], nearMisses: [] }
  if (fromId === toId) return { allowed: true, reason: 'same_peer', ...none, missing: null }
  const missing = { fromGroupIds: from.groupIds, toGroupIds: to.groupIds, protocol, port }
  if (from.revoked || to.revoked) return { allowed: false, reason: 'revoked', ...none, missing: null }
  if (from.groupIds.length === 0 || to.groupIds.length === 0) return { allowed: false, reason: 'no_groups', ...none, missing }

  const fromGroups = new Set(from.groupIds)
  const toGroups = new Set(to.groupIds)
  const protoOk = (p: CompilePolicy) => p.protocol === 'all' || p.protocol === protocol
  const portOk = (p: CompilePolicy) => protocol === 'icmp' || p.protocol === 'icmp' || port === null || portAllowed(p.ports, port)
  const allowing: PolicyRef[] = []
  const near: NearMiss[] = []
  for (const p of input.policies) {
    const forward = fromGroups.has(p.sourceGroupId) && toGroups.has(p.destinationGroupId)
    const reverse = fromGroups.has(p.destinationGroupId) && toGroups.has(p.sourceGroupId)
    if (!forward && !reverse) continue
    const direction = forward ? 'forward' : 'reverse'
    if (!forward && !p.bidirectional) { near.push({ ...ref(p, 'reverse'), mismatch: 'direction' }); continue }
    if (!p.enabled) { near.push({ ...ref(p, direction), mismatch: 'disabled' }); continue }
    if (!protoOk(p)) { near.push({ ...ref(p, direction), mismatch: 'protocol' }); continue }
    if (!portOk(p)) { near.push({ ...ref(p, direction), mismatch: 'port' }); continue }
    allowing.push(ref(p, direction))
  }
  if (allowing.length > 0) return { allowed: true, reason: 'allowed', policies: allowing, nearMisses: near, missing: null }
  return { allowed: false, reason: near.length > 0 ? 'mismatch' : 'no_policy', policies: [], nearMisses: near, missing }
}
