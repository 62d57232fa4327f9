import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshDatabase } from '@monozu/kernel/testing'
import { startInstance, type Instance } from './instance.ts'

const fixtures = ['fx-events-pub', 'fx-events-sub'].map(name => fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url))).join(',')
const PASSWORD = 'events-demo-password'

/** A row the fixture subscriber wrote: one per delivery it handled. */
export interface Seen { event_id: string, handler: string, n: number, subject: string | null, worker: string }

export type EventsInstance = Instance & { call: (method: string, path: string, body?: unknown) => Promise<{ status: number, body: any }> }

/**
 * Kernel processes with the event fixtures on one database: PostgreSQL when DATABASE_URL is set
 * (a fresh database), else an embedded data dir. `teardown` kills them and removes it all.
 */
export async function eventsCluster (teardown: (fn: () => Promise<void>) => void, extra: Record<string, string> = {}) {
  const adminUrl = process.env.DATABASE_URL
  const db = adminUrl ? await freshDatabase(adminUrl) : null
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-events-'))
  const instances: Instance[] = []
  teardown(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL')
    await Promise.all(instances.map(i => i.exited))
    await db?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const env = { DATA_DIR: dataDir, PLUGINS_DIRS: fixtures, PLUGINS_ALLOW_UNSIGNED: 'true', MONOZU_DEMO_PASSWORD: PASSWORD, EVENTS_POLL_MS: '50', ...(db ? { DATABASE_URL: db.url } : {}), ...extra }
  return {
    /** Starts an instance (`FX_WORKER_NAME` = name) and signs in as the demo tenant's admin. */
    async start (name: string, more: Record<string, string> = {}): Promise<EventsInstance> {
      const i = await startInstance(name, { ...env, ...more }, { startMs: 180_000 })
      instances.push(i)
      const login = await fetch(`${i.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@acme.example', password: PASSWORD }) })
      if (login.status !== 200) throw new Error(`login on ${name}: ${login.status}`)
      const { accessToken } = await login.json() as { accessToken: string }
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${i.url}${path}`, { method, headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) })
        return { status: res.status, body: await res.json() }
      }
      return Object.assign(i, { call })
    }
  }
}
