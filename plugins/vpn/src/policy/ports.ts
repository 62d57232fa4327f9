/** "22" or "8000-8100": a port or an inclusive range, 1-65535. */
export const PORT_PATTERN = '^([1-9][0-9]{0,4})(-([1-9][0-9]{0,4}))?$'
const PORT = new RegExp(PORT_PATTERN)

export function parsePortRange (spec: string): { from: number, to: number } | null {
  const m = PORT.exec(spec)
  if (!m) return null
  const from = Number(m[1])
  const to = m[3] === undefined ? from : Number(m[3])
  if (from > 65535 || to > 65535 || to < from) return null
  return { from, to }
}

/** Whether `port` falls in the ranges; an empty list is every port. */
export function portAllowed (ranges: string[], port: number): boolean {
  if (ranges.length === 0) return true
  return ranges.some(r => { const p = parsePortRange(r); return p !== null && port >= p.from && port <= p.to })
}
