import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import { parse as parseCsv } from 'csv-parse/sync'
import yauzl from 'yauzl'
import type { Transaction } from '@monozu/kernel'
import { get, redact, validators, type FetchOptions } from './http.ts'
import { readState, writeState } from './state.ts'
import { upsertNvd, upsertOsv, type NvdCve, type OsvRecord } from './store.ts'

export interface SyncDeps {
  /** Runs `fn` in the audited platform scope (feeds are platform data). */
  platform: <T>(fn: (trx: Transaction) => Promise<T>) => Promise<T>
  http: Omit<FetchOptions, 'etag' | 'lastModified' | 'headers'>
  /** Progress lines, into the job's log. */
  log: (msg: string, data?: Record<string, unknown>) => void
  now: () => Date
  batchSize: number
}

export interface FeedResult { feed: string, changed: number, unchanged?: boolean }

const join2 = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path}`

/** Entries of a zip file, one after another (a bulk OSV archive holds one JSON file per advisory). */
async function * zipEntries (file: string): AsyncGenerator<{ name: string, text: string }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, z) => (err ? reject(err) : resolve(z!))))
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => { cleanup(); resolve(e) }
        const onEnd = () => { cleanup(); resolve(null) }
        const onError = (err: Error) => { cleanup(); reject(err) }
        const cleanup = () => { zip.off('entry', onEntry); zip.off('end', onEnd); zip.off('error', onError) }
        zip.on('entry', onEntry); zip.on('end', onEnd); zip.on('error', onError)
        zip.readEntry()
      })
      if (!entry) return
      if (entry.fileName.endsWith('/')) continue
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s!))))
      const chunks: Buffer[] = []
      for await (const c of stream) chunks.push(c as Buffer)
      yield { name: entry.fileName, text: Buffer.concat(chunks).toString('utf8') }
    }
  } finally {
    zip.close()
  }
}

/**
 * OSV, one ecosystem: the bulk archive `<eco>/all.zip` on the first run (resumable: the cursor
 * counts the entries already written), then incrementally by `<eco>/modified_id.csv` (newest
 * first, `<modified>,<id>` per line): every id modified since the cursor is fetched as
 * `<eco>/<id>.json`, oldest first, and the cursor moves after each batch. Writing an unchanged
 * advisory is a no-op, so re-reading a boundary never duplicates.
 */
export async function syncOsv (deps: SyncDeps, baseUrl: string, ecosystem: string): Promise<FeedResult> {
  const feed = `osv:${ecosystem}`
  const state = await deps.platform(trx => readState(trx, feed))
  const cursor = (state?.cursor ?? {}) as { phase?: 'bulk' | 'incremental', done?: number, since?: string, maxModified?: string }
  let changed = 0
  await deps.platform(trx => writeState(trx, feed, { status: 'running', last_attempt_at: deps.now(), last_error: null }))

  if (cursor.phase !== 'incremental') {
    const url = join2(baseUrl, `${encodeURIComponent(ecosystem)}/all.zip`)
    const res = await get(url, { ...deps.http, ...(cursor.done ? {} : { etag: state?.etag ?? null, lastModified: state?.last_modified ?? null }) })
    if (res) {
      const dir = await mkdtemp(join(tmpdir(), 'monozu-osv-'))
      const file = join(dir, 'all.zip')
      try {
        await pipeline(Readable.fromWeb(res.body! as never), createWriteStream(file))
        const skip = cursor.done ?? 0
        if (skip > 0) deps.log('osv: resuming the bulk archive', { ecosystem, skip })
        let index = 0
        let batch: OsvRecord[] = []
        let maxModified = cursor.maxModified ?? ''
        const flush = async () => {
          const records = batch
          batch = []
          const done = index
          const max = maxModified
          changed += await deps.platform(async trx => {
            const n = await upsertOsv(trx, records)
            await writeState(trx, feed, { cursor: { phase: 'bulk', done, maxModified: max } })
            return n
          })
          deps.log('osv: bulk progress', { ecosystem, entries: done, changed })
        }
        for await (const entry of zipEntries(file)) {
          if (index++ < skip) continue
          if (!entry.name.endsWith('.json')) continue
          const record = JSON.parse(entry.text) as OsvRecord
          if (record.modified > maxModified) maxModified = record.modified
          batch.push(record)
          if (batch.length >= deps.batchSize) await flush()
        }
        await flush()
        const v = validators(res)
        await deps.platform(trx => writeState(trx, feed, { etag: v.etag, last_modified: v.lastModified, cursor: { phase: 'incremental', since: maxModified || deps.now().toISOString() } }))
        cursor.phase = 'incremental'
        cursor.since = maxModified || deps.now().toISOString()
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    } else {
      deps.log('osv: bulk archive not modified', { ecosystem })
      await deps.platform(trx => writeState(trx, feed, { cursor: { phase: 'incremental', since: cursor.maxModified ?? deps.now().toISOString() } }))
      cursor.phase = 'incremental'
      cursor.since = cursor.maxModified ?? deps.now().toISOString()
    }
  } else {
    const csv = await get(join2(baseUrl, `${encodeURIComponent(ecosystem)}/modified_id.csv`), deps.http)
    const text = csv ? await csv.text() : ''
    const since = cursor.since ?? ''
    // Rows at the cursor's own timestamp are read again: their writes are no-ops if unchanged.
    const due = text.split('\n').map(l => l.trim()).filter(Boolean).map(l => { const i = l.indexOf(','); return { modified: l.slice(0, i), id: l.slice(i + 1) } })
      .filter(r => r.id && !Number.isNaN(Date.parse(r.modified)) && r.modified >= since)
      .sort((a, b) => (a.modified < b.modified ? -1 : a.modified > b.modified ? 1 : a.id < b.id ? -1 : 1))
    deps.log('osv: incremental', { ecosystem, since, due: due.length })
    for (let i = 0; i < due.length; i += deps.batchSize) {
      const part = due.slice(i, i + deps.batchSize)
      const records: OsvRecord[] = []
      for (const r of part) {
        const res = await get(join2(baseUrl, `${encodeURIComponent(ecosystem)}/${encodeURIComponent(r.id)}.json`), deps.http)
        if (res) records.push(await res.json() as OsvRecord)
      }
      const next = part[part.length - 1]!.modified
      changed += await deps.platform(async trx => {
        const n = await upsertOsv(trx, records)
        await writeState(trx, feed, { cursor: { phase: 'incremental', since: next } })
        return n
      })
      deps.log('osv: incremental progress', { ecosystem, done: i + part.length, of: due.length, changed })
    }
  }
  await deps.platform(async trx => {
    const count = await trx('security_affected').countDistinct({ n: 'advisory_id' }).whereRaw("ecosystem = ? or ecosystem like ? || ':%'", [ecosystem, ecosystem]).first()
    await writeState(trx, feed, { status: 'idle', last_success_at: deps.now(), last_changed: changed, items: Number(count?.n ?? 0) })
  })
  return { feed, changed }
}

const NVD_WINDOW_MS = 120 * 86_400_000
export const NVD_PAGE = 2000

/** NVD's date format: ISO 8601 with milliseconds and an explicit UTC offset. */
const nvdDate = (d: Date) => d.toISOString().replace('Z', '+00:00')

/**
 * NVD CVE API 2.0 by lastModified: windows of at most 120 days (the API's limit), pages of
 * 2,000, the `apiKey` header when configured. The cursor (window start, page index) moves after
 * every page, so an interrupted run goes on from the page it stopped at.
 */
export async function syncNvd (deps: SyncDeps, baseUrl: string, o: { apiKey?: string, startDate?: string, delayMs: number }): Promise<FeedResult & { requests: number }> {
  const feed = 'nvd'
  const state = await deps.platform(trx => readState(trx, feed))
  const now = deps.now()
  const cursor = (state?.cursor ?? {}) as { start?: string, startIndex?: number }
  let start = new Date(cursor.start ?? o.startDate ?? new Date(now.getTime() - NVD_WINDOW_MS).toISOString())
  let startIndex = cursor.startIndex ?? 0
  let changed = 0
  let requests = 0
  await deps.platform(trx => writeState(trx, feed, { status: 'running', last_attempt_at: now, last_error: null }))
  while (start.getTime() < now.getTime()) {
    const end = new Date(Math.min(start.getTime() + NVD_WINDOW_MS, now.getTime()))
    for (;;) {
      const url = `${baseUrl}?lastModStartDate=${encodeURIComponent(nvdDate(start))}&lastModEndDate=${encodeURIComponent(nvdDate(end))}&resultsPerPage=${NVD_PAGE}&startIndex=${startIndex}`
      if (requests > 0 && o.delayMs > 0) await new Promise(resolve => setTimeout(resolve, o.delayMs))
      const res = await get(url, { ...deps.http, headers: o.apiKey ? { apiKey: o.apiKey } : {} })
      requests++
      const body = await res!.json() as { resultsPerPage: number, startIndex: number, totalResults: number, vulnerabilities: Array<{ cve: NvdCve }> }
      const cves = (body.vulnerabilities ?? []).map(v => v.cve)
      const nextIndex = startIndex + cves.length
      const windowDone = cves.length === 0 || nextIndex >= body.totalResults
      const nextCursor = windowDone ? { start: end.toISOString(), startIndex: 0 } : { start: start.toISOString(), startIndex: nextIndex }
      changed += await deps.platform(async trx => {
        const n = await upsertNvd(trx, cves)
        await writeState(trx, feed, { cursor: nextCursor })
        return n
      })
      deps.log('nvd: page', { url: redact(url), got: cves.length, total: body.totalResults, startIndex })
      if (windowDone) break
      startIndex = nextIndex
    }
    start = end
    startIndex = 0
  }
  await deps.platform(async trx => {
    const count = await trx('security_nvd').count({ n: '*' }).first()
    await writeState(trx, feed, { status: 'idle', last_success_at: deps.now(), last_changed: changed, items: Number(count?.n ?? 0) })
  })
  return { feed, changed, requests }
}

interface KevCatalog { catalogVersion?: string, vulnerabilities: Array<{ cveID: string, vendorProject?: string, product?: string, vulnerabilityName?: string, dateAdded?: string, dueDate?: string, knownRansomwareCampaignUse?: string }> }

/**
 * CISA KEV catalog (JSON), conditional on its ETag. The table becomes the catalog; advisories
 * naming a CVE that joined (or left) it are re-numbered so tenants' scans re-rate them.
 */
export async function syncKev (deps: SyncDeps, url: string): Promise<FeedResult> {
  const feed = 'kev'
  const state = await deps.platform(trx => readState(trx, feed))
  await deps.platform(trx => writeState(trx, feed, { status: 'running', last_attempt_at: deps.now(), last_error: null }))
  const res = await get(url, { ...deps.http, etag: state?.etag ?? null, lastModified: state?.last_modified ?? null })
  if (!res) {
    deps.log('kev: not modified')
    await deps.platform(trx => writeState(trx, feed, { status: 'idle', last_success_at: deps.now(), last_changed: 0 }))
    return { feed, changed: 0, unchanged: true }
  }
  const catalog = await res.json() as KevCatalog
  const rows = catalog.vulnerabilities.filter(v => /^CVE-\d{4}-\d+$/.test(v.cveID)).map(v => ({
    cve_id: v.cveID, vendor: v.vendorProject?.slice(0, 200) ?? null, product: v.product?.slice(0, 200) ?? null, name: v.vulnerabilityName?.slice(0, 500) ?? null,
    date_added: v.dateAdded ?? null, due_date: v.dueDate ?? null, ransomware: v.knownRansomwareCampaignUse?.slice(0, 20) ?? null
  }))
  const v = validators(res)
  const changed = await deps.platform(async trx => {
    const before = new Set((await trx('security_kev').select('cve_id')).map((r: { cve_id: string }) => r.cve_id))
    const after = new Set(rows.map(r => r.cve_id))
    const moved = [...after].filter(c => !before.has(c)).concat([...before].filter(c => !after.has(c)))
    await trx('security_kev').whereNotIn('cve_id', [...after]).del()
    for (let i = 0; i < rows.length; i += 500) await trx('security_kev').insert(rows.slice(i, i + 500)).onConflict('cve_id').merge()
    for (let i = 0; i < moved.length; i += 500) {
      await trx('security_advisories').whereRaw('aliases && ?::text[]', [moved.slice(i, i + 500)]).orWhereIn('id', moved.slice(i, i + 500))
        .update({ seq: trx.raw("nextval(pg_get_serial_sequence('security_advisories', 'seq'))") })
    }
    await writeState(trx, feed, { status: 'idle', etag: v.etag, last_modified: v.lastModified, last_success_at: deps.now(), items: rows.length, last_changed: moved.length, cursor: { catalogVersion: catalog.catalogVersion ?? null } })
    return moved.length
  })
  deps.log('kev: synced', { entries: rows.length, changed })
  return { feed, changed }
}

/** FIRST EPSS scores: gzipped CSV (`#model_version:...,score_date:...` then `cve,epss,percentile`). */
export async function syncEpss (deps: SyncDeps, url: string): Promise<FeedResult> {
  const feed = 'epss'
  const state = await deps.platform(trx => readState(trx, feed))
  await deps.platform(trx => writeState(trx, feed, { status: 'running', last_attempt_at: deps.now(), last_error: null }))
  const res = await get(url, { ...deps.http, etag: state?.etag ?? null, lastModified: state?.last_modified ?? null })
  if (!res) {
    deps.log('epss: not modified')
    await deps.platform(trx => writeState(trx, feed, { status: 'idle', last_success_at: deps.now(), last_changed: 0 }))
    return { feed, changed: 0, unchanged: true }
  }
  const raw = Buffer.from(await res.arrayBuffer())
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8')
  const lines = text.split('\n')
  const meta = lines[0]?.startsWith('#') ? lines.shift()! : ''
  const scoreDate = /score_date:(\d{4}-\d{2}-\d{2})/.exec(meta)?.[1] ?? null
  const records = parseCsv(lines.join('\n'), { columns: true, skip_empty_lines: true, trim: true }) as Array<{ cve: string, epss: string, percentile: string }>
  const rows = records.filter(r => /^CVE-\d{4}-\d+$/.test(r.cve) && Number.isFinite(Number(r.epss))).map(r => ({ cve_id: r.cve, epss: Number(r.epss), percentile: Number(r.percentile), score_date: scoreDate }))
  const v = validators(res)
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000)
    await deps.platform(async trx => {
      for (let j = 0; j < part.length; j += 1000) await trx('security_epss').insert(part.slice(j, j + 1000)).onConflict('cve_id').merge()
    })
    deps.log('epss: progress', { done: Math.min(i + 5000, rows.length), of: rows.length })
  }
  await deps.platform(async trx => writeState(trx, feed, { status: 'idle', etag: v.etag, last_modified: v.lastModified, last_success_at: deps.now(), items: rows.length, last_changed: rows.length, cursor: { scoreDate } }))
  return { feed, changed: rows.length }
}
