import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { StartupError } from '../errors/errors.ts'

interface Holder { pid: number, startedAt: string }

/** Locks this process holds, with their content: a pid equal to ours in a lock we do not hold is a previous life (a container's pid 1). */
const held = new Map<string, string>()
// process.exit() after a second signal skips the database's close: the lock goes with the process.
let exitHook = false

function alive (pid: number): boolean {
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readHolder (file: string): { raw: string, holder: Holder | null } | null {
  let raw: string
  try { raw = readFileSync(file, 'utf8') } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  try {
    const parsed = JSON.parse(raw) as Holder
    return { raw, holder: Number.isInteger(parsed.pid) && parsed.pid > 0 ? parsed : null }
  } catch {
    // A process killed between creating and writing the file leaves it empty.
    return { raw, holder: null }
  }
}

/**
 * Takes `file` as an exclusive lock for this process (PGlite has no lock of its own, and two
 * processes on one folder corrupt it). A lock whose process is gone is taken over with a warning;
 * a live one is a start-up error naming that process. Returns the release function.
 */
export function lockFolder (file: string, what: string, warn: (message: string) => void): () => void {
  if (held.has(file)) throw new StartupError('database_locked', `${what} is already open in this process (${process.pid})`)
  const me = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies Holder)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      try { writeSync(fd, me) } finally { closeSync(fd) }
      held.set(file, me)
      if (!exitHook) { exitHook = true; process.once('exit', () => { for (const f of [...held.keys()]) release(f) }) }
      return () => release(file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const found = readHolder(file)
    if (!found) continue
    const { holder } = found
    if (holder && alive(holder.pid)) {
      throw new StartupError('database_locked', `${what} is in use by process ${holder.pid} (started ${holder.startedAt}). ` +
        `Stop that process, or use another DATA_DIR. If ${holder.pid} is not a Monozu process, delete ${file}.`)
    }
    // Two processes may find the same stale lock: only the one whose rename succeeds removes it,
    // and a lock that changed since it was read (a live one, just taken) is put back.
    const aside = `${file}.${process.pid}.stale`
    try { renameSync(file, aside) } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    if (readFileSync(aside, 'utf8') !== found.raw) { renameSync(aside, file); continue }
    unlinkSync(aside)
    warn(holder
      ? `took over the lock of ${what} from process ${holder.pid} (started ${holder.startedAt}), which is gone`
      : `took over an unreadable lock of ${what} (${file})`)
  }
  throw new StartupError('database_locked', `${what}: could not take ${file}; another process keeps taking it`)
}

function release (file: string): void {
  const me = held.get(file)
  if (me === undefined) return
  held.delete(file)
  try {
    if (readFileSync(file, 'utf8') === me) unlinkSync(file)
  } catch { /* already gone: nothing to release */ }
}
