import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKernel, createLogger, type Kernel as KernelInside, type KernelOptions } from '../kernel.ts'
import type { KernelConfig } from '../config/config.ts'
import type { Profile } from '../plugins/pipeline/profile.ts'
import { freshDatabase } from './postgres.ts'
import { ManualClock } from './clock.ts'
import { pgliteTemplate } from './pglite-template.ts'
import { migratedPglite, migratedPostgres } from './migrated.ts'

export interface TestKernelOptions {
  /** Plugin folders to load (none by default). */
  plugins?: string[]
  pluginConfig?: Record<string, unknown>
  config?: Partial<KernelConfig>
  /** Environment seen by the kernel (PLUGIN_<ID>_CONFIG, ...). */
  env?: Record<string, string | undefined>
  /** 'auto' (default): PostgreSQL when DATABASE_URL is set, else in-memory PGlite. */
  database?: 'auto' | 'pglite' | 'postgres'
  seedDemo?: boolean
  /** A built UI shell folder to serve at `/`. */
  shellDir?: string
  /** Where the kernel logs, and from which level (default: nowhere, or stdout at TEST_LOG_LEVEL): for tests that read the log. */
  log?: { level: KernelConfig['logLevel'], stream: { write (line: string): unknown } }
  /**
   * 'system' (default): real time. 'manual': the kernel's clock starts at the real time and then
   * stands still until the test moves it with `kit.clock.advance(ms)` or `kit.clock.set(date)`.
   */
  clock?: 'system' | 'manual'
  /** Which plugins of `plugins` run (`all` by default; `management` for the management plugin). */
  profile?: Profile
}

/** The database the tests run on: PostgreSQL when DATABASE_URL is set. */
export function testDatabase (): 'pglite' | 'postgres' {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite'
}

/** The cluster an in-memory PGlite kernel starts from: migrated for these plugins when it can be. */
async function pgliteStart (templated: boolean, request: Parameters<typeof migratedPglite>[0]): Promise<Blob> {
  const fresh = await pgliteTemplate()
  return (templated ? await migratedPglite(request, fresh) : null) ?? fresh
}

/** A kernel on its own data dir (and fresh PostgreSQL database), and how to remove all of it. */
export async function startInside (options: TestKernelOptions): Promise<{ kernel: KernelInside, clock: ManualClock | null, close: () => Promise<void> }> {
  const clock = options.clock === 'manual' ? new ManualClock() : null
  const which = options.database === undefined || options.database === 'auto' ? testDatabase() : options.database
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-test-'))
  // Plugins found through PLUGINS_DIRS are outside the template's key: those kernels migrate from scratch.
  const templated = !options.config?.pluginsDirs?.length && !options.env?.PLUGINS_DIRS && process.env.MONOZU_TEST_TEMPLATES !== 'off'
  const request = { plugins: options.plugins ?? [], profile: options.profile }
  let pg: Awaited<ReturnType<typeof freshDatabase>> | undefined
  if (which === 'postgres') {
    const adminUrl = process.env.DATABASE_URL
    if (!adminUrl) throw new Error('startTestKernel({ database: "postgres" }) needs DATABASE_URL')
    pg = await freshDatabase(adminUrl, (templated ? await migratedPostgres(adminUrl, request) : null) ?? undefined)
  }
  // Tests run the Redis bus whenever REDIS_URL is set (as .ci/run does), the in-process one otherwise.
  const redis = process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}
  const config: Partial<KernelConfig> = { dataDir, port: 0, jobPollMs: 50, ...redis, ...options.config, ...(pg ? { databaseUrl: pg.url } : {}) }
  const kernelOptions: KernelOptions = {
    env: { ...options.env, DATABASE_URL: undefined },
    config,
    plugins: options.plugins ?? [],
    seedDemo: options.seedDemo ?? false,
    ...(options.shellDir ? { shellDir: options.shellDir } : {}),
    logger: options.log ? createLogger({ logLevel: options.log.level }, options.log.stream) : createLogger({ logLevel: (process.env.TEST_LOG_LEVEL as KernelConfig['logLevel']) ?? 'silent' }),
    ...(options.pluginConfig ? { pluginConfig: options.pluginConfig } : {}),
    ...(which === 'pglite' ? { pglite: { memory: true, template: await pgliteStart(templated, request) } } : {}),
    ...(clock ? { clock } : {}),
    ...(options.profile ? { profile: options.profile } : {})
  }
  let kernel: KernelInside
  try {
    kernel = await createKernel(kernelOptions)
  } catch (err) {
    await pg?.drop().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    kernel,
    clock,
    async close () {
      await kernel.stop()
      await pg?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
