/** Fleet-wide counters; every device writes into the same object. */
export interface Stats {
  startedAt: number
  devices: { total: number, registered: number, reused: number, connected: number }
  events: {
    /** Generated and queued for sending. */
    queued: number
    /** Sent in requests that the server answered with 202. */
    sent: number
    accepted: number
    duplicates: number
    rejected: number
    /** Dropped after a 4xx that a retry cannot fix (400, 415, 401, 403). */
    dropped: number
    /**
     * Sent, but the stop cut the request off before its answer came (the server did not answer
     * within a grace period): the server may or may not have stored them.
     */
    unconfirmed: number
    /** Not generated because a device's buffer was full (the server was not keeping up). */
    skipped: number
  }
  rejectedByCode: Record<string, number>
  requests: number
  retries: number
  commands: { received: number, succeeded: number, failed: number }
}

export function newStats (): Stats {
  return {
    startedAt: Date.now(),
    devices: { total: 0, registered: 0, reused: 0, connected: 0 },
    events: { queued: 0, sent: 0, accepted: 0, duplicates: 0, rejected: 0, dropped: 0, skipped: 0, unconfirmed: 0 },
    rejectedByCode: {},
    requests: 0,
    retries: 0,
    commands: { received: 0, succeeded: 0, failed: 0 }
  }
}

/** One progress line; `rate` is accepted events per second since the previous line. */
export function progressLine (s: Stats, rate: number, buffered: number): string {
  const e = s.events
  const codes = Object.entries(s.rejectedByCode).map(([c, n]) => `${c}:${n}`).join(',')
  return [
    `devices ${s.devices.total} (sockets ${s.devices.connected})`,
    `events sent ${e.sent} accepted ${e.accepted} duplicates ${e.duplicates} rejected ${e.rejected}${codes ? ` (${codes})` : ''}`,
    `${rate.toFixed(0)} ev/s`,
    `retries ${s.retries}`,
    `buffered ${buffered}`,
    `commands ${s.commands.received} (ok ${s.commands.succeeded}, failed ${s.commands.failed})`
  ].join(' | ')
}

export function summary (s: Stats, buffered: number): Record<string, unknown> {
  const seconds = (Date.now() - s.startedAt) / 1000
  return { ...s, seconds: Math.round(seconds * 10) / 10, buffered, averageRate: Math.round(s.events.accepted / Math.max(seconds, 0.001)) }
}
