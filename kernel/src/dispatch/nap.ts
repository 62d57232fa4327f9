/**
 * The pause between rounds of a poll loop (the ingest and events dispatchers): `sleep(ms)` ends
 * early on `wake()`, but a wake within `gapMs` of the last round's end waits out that gap, so work
 * committed meanwhile travels in one round instead of many rounds of one item each.
 */
export function createNap (gapMs: number) {
  let wake: (() => void) | null = null
  let lastRound = 0
  return {
    /** Marks the end of a round; a wake within gapMs of it waits for the gap. */
    roundEnded (): void { lastRound = Date.now() },
    sleep (ms: number): Promise<void> {
      return new Promise<void>(resolve => {
        let timer = setTimeout(() => { wake = null; resolve() }, ms)
        wake = () => {
          const wait = lastRound + gapMs - Date.now()
          clearTimeout(timer)
          if (wait > 0) { timer = setTimeout(() => { wake = null; resolve() }, wait); return }
          wake = null
          resolve()
        }
      })
    },
    wake (): void { wake?.() }
  }
}
