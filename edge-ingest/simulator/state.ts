import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface SavedDevice { deviceId: string, deviceKey: string, hostname: string, registeredAt: string }

/**
 * The device keys the simulator got, per server and tenant (`<url> <tenant>`), then per hardware
 * id. Keys are secrets: the file is written 0600 and lives in the git-ignored data dir.
 */
interface StateFile { version: 1, scopes: Record<string, Record<string, SavedDevice>> }

export class DeviceState {
  file: string
  scope: string
  private data: StateFile

  constructor (file: string, scope: string) {
    this.file = file
    this.scope = scope
    this.data = load(file)
  }

  get (hardwareId: string): SavedDevice | undefined {
    return this.data.scopes[this.scope]?.[hardwareId]
  }

  set (hardwareId: string, device: SavedDevice): void {
    (this.data.scopes[this.scope] ??= {})[hardwareId] = device
  }

  /** Atomic (write, then rename), so a kill mid-write never loses the keys already saved. */
  save (): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(this.data, null, 2) + '\n', { mode: 0o600 })
    renameSync(tmp, this.file)
  }
}

function load (file: string): StateFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, scopes: {} }
    throw err
  }
  const parsed = JSON.parse(text) as StateFile
  if (parsed?.version !== 1 || typeof parsed.scopes !== 'object') throw new Error(`${file} is not a simulator state file (version 1)`)
  return parsed
}
