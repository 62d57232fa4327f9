import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Reads a secret from the data dir, creating it first if it is missing. Creation is exclusive
 * (`wx`), so instances starting together on a shared data dir all end up with the same value.
 */
export function readOrCreate (file: string, make: () => string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  try {
    writeFileSync(file, make(), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return readFileSync(file, 'utf8')
}

/**
 * Creates the data dir 0700 and takes group and other bits off everything already in it: it
 * holds signing keys, the demo password and the embedded database (password and token hashes).
 * Returns the paths it changed, for the log.
 */
export function secureDataDir (dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const changed: string[] = []
  const walk = (path: string) => {
    const stat = lstatSync(path)
    if (stat.isSymbolicLink()) return
    if (stat.mode & 0o077) {
      chmodSync(path, stat.mode & 0o7700)
      changed.push(path)
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name))
  }
  walk(dir)
  return changed
}

/**
 * `<dataDir>/server.json` names the URL of the server running on this data dir, for tools that
 * should find it without being told (`npm run simulate`). Removed at a graceful stop.
 */
export function writeServerRecord (dataDir: string, url: string): string {
  const file = join(dataDir, 'server.json')
  writeFileSync(file, JSON.stringify({ url, pid: process.pid, startedAt: new Date().toISOString() }) + '\n', { mode: 0o600 })
  return file
}

export function removeServerRecord (file: string, url: string): void {
  try {
    // Another server may have started on this data dir since (after this one lost its lock).
    if ((JSON.parse(readFileSync(file, 'utf8')) as { url?: string }).url === url) unlinkSync(file)
  } catch { /* gone already */ }
}
