import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `check` every 50 ms until it returns a truthy value, and returns that value; throws
 * "timed out waiting for <what>" after `timeoutMs`. For work a test cannot await (jobs, commits,
 * sockets), never a timing assertion.
 */
export async function waitFor<T> (what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
