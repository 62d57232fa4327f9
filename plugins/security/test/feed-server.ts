import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { crc32, deflateRawSync, gzipSync } from 'node:zlib'

export const FIXTURES = fileURLToPath(new URL('../src/seed/feeds/', import.meta.url))

/** A minimal zip (deflate) writer: what OSV's all.zip is, for a handful of files. */
export function zip (files: Array<{ name: string, data: Buffer }>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const f of files) {
    const name = Buffer.from(f.name)
    const body = deflateRawSync(f.data)
    const crc = crc32(f.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(8, 8)
    local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(f.data.length, 22)
    local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0, 8); central.writeUInt16LE(8, 10)
    central.writeUInt32LE(0, 12); central.writeUInt32LE(crc, 16); central.writeUInt32LE(body.length, 20); central.writeUInt32LE(f.data.length, 24)
    central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42)
    locals.push(local, name, body)
    centrals.push(central, name)
    offset += 30 + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10)
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

export interface FeedServer {
  url: string
  /** Every request: method, path with query, headers. */
  requests: Array<{ path: string, headers: IncomingMessage['headers'] }>
  /** OSV records served per ecosystem (edit to publish a new or modified advisory). */
  osv: Map<string, Map<string, Record<string, any>>>
  nvd: Array<Record<string, any>>
  /** Publishes a new EPSS file (CSV text as FIRST writes it) under a new ETag. */
  publishEpss (csv: string, etag: string): void
  /** NVD page size this server uses (the real API honours resultsPerPage up to 2,000). */
  nvdPage: number
  /** Answers the next matching requests with these statuses first (e.g. 429, 503, 500). */
  failNext (match: RegExp, statuses: number[], headers?: Record<string, string>): void
  close (): Promise<void>
}

export async function startFeedServer (): Promise<FeedServer> {
  const osv = new Map<string, Map<string, Record<string, any>>>()
  for (const eco of readdirSync(`${FIXTURES}osv`)) {
    const m = new Map<string, Record<string, any>>()
    for (const f of readdirSync(`${FIXTURES}osv/${eco}`)) { const r = JSON.parse(readFileSync(`${FIXTURES}osv/${eco}/${f}`, 'utf8')); m.set(r.id, r) }
    osv.set(eco, m)
  }
  const failures: Array<{ match: RegExp, statuses: number[], headers: Record<string, string> }> = []
  const requests: FeedServer['requests'] = []
  const state = { nvdPage: 2000 }
  const nvd = JSON.parse(readFileSync(`${FIXTURES}nvd/cves.json`, 'utf8')) as Array<Record<string, any>>
  const kev = readFileSync(`${FIXTURES}kev.json`)
  const epss = { body: gzipSync(readFileSync(`${FIXTURES}epss.csv`)), etag: '"epss-2024-12-05"' }

  const send = (res: ServerResponse, req: IncomingMessage, status: number, body: Buffer | string, type: string, etag?: string) => {
    if (etag && req.headers['if-none-match'] === etag) { res.writeHead(304, { etag }); res.end(); return }
    res.writeHead(status, { 'content-type': type, ...(etag ? { etag } : {}) })
    res.end(body)
  }
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    requests.push({ path: req.url!, headers: req.headers })
    const fail = failures.find(f => f.match.test(req.url!) && f.statuses.length > 0)
    if (fail) { res.writeHead(fail.statuses.shift()!, fail.headers); res.end('try later'); return }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
    if (parts[0] === 'osv' && parts.length === 3) {
      const records = osv.get(parts[1]!)
      if (!records) { res.writeHead(404); res.end(); return }
      const sorted = [...records.values()].sort((a, b) => (a.id < b.id ? -1 : 1))
      if (parts[2] === 'all.zip') {
        const body = zip(sorted.map(r => ({ name: `${r.id}.json`, data: Buffer.from(JSON.stringify(r)) })))
        return send(res, req, 200, body, 'application/zip', `"${crc32(body).toString(16)}"`)
      }
      if (parts[2] === 'modified_id.csv') {
        const lines = [...records.values()].sort((a, b) => (a.modified > b.modified ? -1 : 1)).map(r => `${r.modified},${r.id}`)
        return send(res, req, 200, lines.join('\n') + '\n', 'text/csv')
      }
      const r = records.get(parts[2]!.replace(/\.json$/, ''))
      if (!r) { res.writeHead(404); res.end(); return }
      return send(res, req, 200, JSON.stringify(r), 'application/json')
    }
    if (url.pathname === '/nvd/rest/json/cves/2.0') {
      const startIndex = Number(url.searchParams.get('startIndex') ?? 0)
      const per = Math.min(Number(url.searchParams.get('resultsPerPage') ?? 2000), state.nvdPage)
      const from = Date.parse(url.searchParams.get('lastModStartDate')!)
      const to = Date.parse(url.searchParams.get('lastModEndDate')!)
      if (!(to - from <= 120 * 86_400_000) || Number.isNaN(from)) { res.writeHead(404, { message: 'Invalid date range' }); res.end(); return }
      const inWindow = nvd.filter(c => { const t = Date.parse(`${c.lastModified}Z`); return t >= from && t <= to }).sort((a, b) => (a.id < b.id ? -1 : 1))
      const page = inWindow.slice(startIndex, startIndex + per)
      return send(res, req, 200, JSON.stringify({ resultsPerPage: page.length, startIndex, totalResults: inWindow.length, format: 'NVD_CVE', version: '2.0', timestamp: new Date().toISOString(), vulnerabilities: page.map(cve => ({ cve })) }), 'application/json')
    }
    if (url.pathname === '/kev.json') return send(res, req, 200, kev, 'application/json', '"kev-2024.12.05"')
    if (url.pathname === '/epss.csv.gz') return send(res, req, 200, epss.body, 'application/gzip', epss.etag)
    res.writeHead(404); res.end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    requests, osv, nvd,
    get nvdPage () { return state.nvdPage },
    set nvdPage (n: number) { state.nvdPage = n },
    publishEpss (csv, etag) { epss.body = gzipSync(csv); epss.etag = etag },
    failNext (match, statuses, headers = {}) { failures.push({ match, statuses: [...statuses], headers }) },
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/** The plugin config that points every feed at this server. */
export const feedConfig = (s: FeedServer, extra: Record<string, unknown> = {}) => ({
  osvBaseUrl: `${s.url}/osv`, osvEcosystems: ['npm', 'Maven', 'Debian', 'PyPI'], nvdBaseUrl: `${s.url}/nvd/rest/json/cves/2.0`, kevUrl: `${s.url}/kev.json`, epssUrl: `${s.url}/epss.csv.gz`,
  retryBaseMs: 5, maxRetries: 3, nvdRequestDelayMs: 0, ...extra
})
