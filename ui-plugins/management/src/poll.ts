import { useEffect, useRef } from 'react'

/** Calls `reload` every `ms` while `active` (work the server finishes in the background) and the page is visible. */
export function usePoll (active: boolean, reload: () => void, ms = 2000): void {
  const latest = useRef(reload)
  latest.current = reload
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => { if (document.visibilityState === 'visible') latest.current() }, ms)
    return () => clearInterval(timer)
  }, [active, ms])
}
