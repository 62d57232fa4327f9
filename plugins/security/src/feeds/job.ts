import type { JobRun, PluginContext } from '@monozu/kernel'
import type { SecurityConfig } from '../index.ts'
import { writeState } from './state.ts'
import { syncEpss, syncKev, syncNvd, syncOsv, type FeedResult, type SyncDeps } from './sync.ts'

export const FEEDS = ['osv', 'nvd', 'kev', 'epss'] as const
export type Feed = typeof FEEDS[number]

/**
 * The platform job `feeds.sync`: each configured feed in turn; a feed that fails records its
 * error in its state and the others still run; the job then fails so the kernel retries it with
 * backoff, and every feed resumes from its cursor.
 */
export async function runFeedSync (ctx: PluginContext<SecurityConfig>, job: JobRun<{ feeds?: Feed[], by?: string }>): Promise<FeedResult[]> {
  const c = ctx.config
  const purpose = { actor: job.payload?.by ?? 'security:feeds.sync', reason: 'sync vulnerability feeds (platform data)' }
  const deps: SyncDeps = {
    platform: fn => ctx.db.platform(purpose, fn),
    http: { timeoutMs: c.requestTimeoutMs, retryBaseMs: c.retryBaseMs, maxRetries: c.maxRetries, signal: job.signal, log: (msg, data) => job.log.warn(data ?? {}, msg) },
    log: (msg, data) => job.log.info(data ?? {}, `security ${msg}`),
    now: () => ctx.clock.now(),
    batchSize: c.syncBatchSize
  }
  const wanted = new Set(job.payload?.feeds ?? FEEDS)
  const results: FeedResult[] = []
  const failures: string[] = []
  const attempt = async (feed: string, run: () => Promise<FeedResult>) => {
    try {
      results.push(await run())
    } catch (err) {
      const message = (err as Error).message.slice(0, 2000)
      failures.push(`${feed}: ${message}`)
      job.log.error({ err, feed }, 'security: feed sync failed')
      await deps.platform(trx => writeState(trx, feed, { status: 'failed', last_error: message, last_attempt_at: ctx.clock.now() })).catch(() => {})
    }
  }
  if (wanted.has('osv') && c.osvBaseUrl) for (const eco of c.osvEcosystems) await attempt(`osv:${eco}`, () => syncOsv(deps, c.osvBaseUrl!, eco))
  if (wanted.has('nvd') && c.nvdBaseUrl) await attempt('nvd', () => syncNvd(deps, c.nvdBaseUrl!, { ...(c.nvdApiKey ? { apiKey: c.nvdApiKey } : {}), ...(c.nvdStartDate ? { startDate: c.nvdStartDate } : {}), delayMs: c.nvdRequestDelayMs ?? (c.nvdApiKey ? 600 : 6000) }))
  if (wanted.has('kev') && c.kevUrl) await attempt('kev', () => syncKev(deps, c.kevUrl!))
  if (wanted.has('epss') && c.epssUrl) await attempt('epss', () => syncEpss(deps, c.epssUrl!))
  job.log.info({ results }, 'security: feed sync finished')
  if (failures.length > 0) throw new Error(`feed sync: ${failures.join('; ')}`)
  return results
}
