/** A cumulative counter sample as an appliance reported it (`wg show dump`: rx/tx bytes since the peer was added). */
export interface TrafficSample { at: Date, rxBytes: number, txBytes: number }

/** A sample with the rate since the one before it, in bytes per second (null for the first). */
export interface TrafficPoint { at: string, rxBytes: number, txBytes: number, rxRate: number | null, txRate: number | null, reset: boolean }

const twoDecimals = (n: number) => Math.round(n * 100) / 100

/**
 * Bytes per second between two samples of one peer. A counter that went down was reset (the
 * interface or the agent restarted, or the peer was removed and added again): it counted from
 * zero since, so its whole new value is the traffic of the interval (what Prometheus' rate() does).
 * Null when no time passed between them.
 */
export function rateBetween (previous: TrafficSample, current: TrafficSample): { rxRate: number, txRate: number, reset: boolean } | null {
  const seconds = (current.at.getTime() - previous.at.getTime()) / 1000
  if (seconds <= 0) return null
  const rx = current.rxBytes >= previous.rxBytes ? current.rxBytes - previous.rxBytes : current.rxBytes
  const tx = current.txBytes >= previous.txBytes ? current.txBytes - previous.txBytes : current.txBytes
  return { rxRate: twoDecimals(rx / seconds), txRate: twoDecimals(tx / seconds), reset: current.rxBytes < previous.rxBytes || current.txBytes < previous.txBytes }
}

/** Rates along samples in time order; the first point has none (nothing before it). */
export function trafficRates (samples: TrafficSample[]): TrafficPoint[] {
  return samples.map((s, i) => {
    const rate = i > 0 ? rateBetween(samples[i - 1]!, s) : null
    return { at: s.at.toISOString(), rxBytes: s.rxBytes, txBytes: s.txBytes, rxRate: rate?.rxRate ?? null, txRate: rate?.txRate ?? null, reset: rate?.reset ?? false }
  })
}
