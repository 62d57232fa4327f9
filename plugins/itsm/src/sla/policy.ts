import { addBusinessMinutes, explain, type Pause } from './clock.ts'
import type { Calendar } from './calendar.ts'

export const TARGETS = ['firstResponse', 'nextUpdate', 'resolution'] as const
export type Target = typeof TARGETS[number]

export interface Policy {
  id: string
  name: string
  position: number
  match: { types?: string[], priorities?: number[], categories?: string[] }
  calendar: Calendar
  minutes: Partial<Record<Target, number | null>>
  /** Share of a target (0-1) at which a warning is recorded. */
  warnAt: number
}

/** The first policy (by position) whose every given criterion matches the ticket. */
export function matchPolicy (policies: Policy[], ticket: { type: string, priority: number, category: string | null }): Policy | null {
  return policies.find(p =>
    (!p.match.types?.length || p.match.types.includes(ticket.type)) &&
    (!p.match.priorities?.length || p.match.priorities.includes(ticket.priority)) &&
    (!p.match.categories?.length || (ticket.category !== null && p.match.categories.includes(ticket.category)))) ?? null
}

/** What a ticket stores about its clocks (the `sla` column). Times are epoch ms. */
export interface SlaState {
  pauses: Pause[]
  warned: Partial<Record<Target, number>>
  breached: Partial<Record<Target, number>>
  explanation: Partial<Record<Target, { en: string, pl: string }>>
  due: Partial<Record<Target, number | null>>
}

export const emptySla = (): SlaState => ({ pauses: [], warned: {}, breached: {}, explanation: {}, due: {} })

export interface ClockInputs {
  status: string
  createdAt: number
  firstResponseAt: number | null
  lastAgentReplyAt: number | null
  resolvedAt: number | null
}

export interface Evaluation {
  state: SlaState
  /** The earliest moment something is still to be recorded (a warning or a breach), or null. */
  nextCheck: number | null
  newWarnings: Target[]
  newBreaches: Target[]
}

/**
 * Recomputes a ticket's clocks at `now`: due times (null while paused), explanations, and the
 * warnings and breaches that became due since the last evaluation (recorded once each).
 */
export function evaluate (policy: Policy, t: ClockInputs, prior: SlaState, now: number): Evaluation {
  const state: SlaState = { pauses: prior.pauses, warned: { ...prior.warned }, breached: { ...prior.breached }, explanation: {}, due: {} }
  const newWarnings: Target[] = []
  const newBreaches: Target[] = []
  let nextCheck: number | null = null
  const done = t.status === 'resolved' || t.status === 'closed'
  const clocks: Array<[Target, number | null, number | null]> = [
    ['firstResponse', t.createdAt, t.firstResponseAt],
    ['nextUpdate', done ? null : t.lastAgentReplyAt, null],
    ['resolution', t.createdAt, t.resolvedAt]
  ]
  for (const [target, start, met] of clocks) {
    const minutes = policy.minutes[target]
    if (!minutes || start === null) continue
    // A met clock is judged at the moment it was met: later pauses do not move it.
    const pauses = met === null ? state.pauses : state.pauses.map(p => ({ from: p.from, to: p.to === null || p.to > met ? Math.min(p.to ?? met, met) : p.to })).filter(p => p.from < met)
    const result = addBusinessMinutes(policy.calendar, start, minutes, pauses)
    state.due[target] = result.due
    state.explanation[target] = explain(policy.calendar, start, minutes, result)
    if (result.due === null) continue
    if (met !== null) {
      if (met > result.due && state.breached[target] === undefined) { state.breached[target] = met; newBreaches.push(target) }
      continue
    }
    if (done && target === 'firstResponse') continue
    const warn = addBusinessMinutes(policy.calendar, start, Math.max(1, Math.floor(minutes * policy.warnAt)), pauses).due
    if (warn !== null && state.warned[target] === undefined) {
      if (now >= warn) { state.warned[target] = now; newWarnings.push(target) } else nextCheck = Math.min(nextCheck ?? Infinity, warn)
    }
    if (state.breached[target] === undefined) {
      if (now >= result.due) { state.breached[target] = now; newBreaches.push(target) } else nextCheck = Math.min(nextCheck ?? Infinity, result.due)
    }
  }
  return { state, nextCheck, newWarnings, newBreaches }
}
