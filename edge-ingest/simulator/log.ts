/** Console output: `info` is hidden by --quiet; repeated warnings are folded. */
export interface Log {
  info (message: string): void
  warn (message: string): void
  /** At most one line per `key` every 30 s, with a count of the ones folded in. */
  warnThrottled (key: string, message: string): void
}

export function createLog (quiet: boolean): Log {
  const stamp = () => new Date().toISOString().slice(11, 19)
  const last = new Map<string, { at: number, folded: number }>()
  return {
    info (message) { if (!quiet) console.log(`${stamp()} ${message}`) },
    warn (message) { console.error(`${stamp()} ${message}`) },
    warnThrottled (key, message) {
      const seen = last.get(key)
      const now = Date.now()
      if (seen && now - seen.at < 30_000) { seen.folded++; return }
      const folded = seen?.folded ? ` (and ${seen.folded} more like it)` : ''
      last.set(key, { at: now, folded: 0 })
      console.error(`${stamp()} ${message}${folded}`)
    }
  }
}
