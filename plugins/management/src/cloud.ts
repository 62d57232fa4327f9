import { createHash, createHmac, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** The cloud did not answer, or answered in a way a retry may fix (5xx, 401 while tokens rotate, 429). */
export class CloudUnavailable extends Error {
  readonly status: number | null
  constructor (message: string, status: number | null) {
    super(message)
    this.name = 'CloudUnavailable'
    this.status = status
  }
}

/** The cloud refused for good (a 4xx a retry cannot fix). */
export class CloudRefused extends Error {
  readonly status: number
  readonly body: unknown
  constructor (message: string, status: number, body: unknown) {
    super(message)
    this.name = 'CloudRefused'
    this.status = status
    this.body = body
  }
}

export interface CloudConfig { cloudUrl: string, internalToken?: string | undefined, webhookSecret?: string | undefined }

const retryable = (status: number) => status >= 500 || status === 401 || status === 408 || status === 429 || status === 404

/** Standard Webhooks signature of `${id}.${timestamp}.${body}` with a `whsec_` secret. */
export function signWebhook (secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

/** The cloud's machine endpoints, with X-Internal-Token; errors are CloudUnavailable (retry) or CloudRefused. */
export function cloudClient (config: CloudConfig) {
  async function send (method: string, path: string, init: { body?: string, headers?: Record<string, string>, timeoutMs?: number } = {}): Promise<{ status: number, json: any, bytes: Buffer, headers: Headers, durationMs: number }> {
    const started = performance.now()
    let res: Response
    try {
      res = await fetch(new URL(path, config.cloudUrl), { method, headers: { ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}), signal: AbortSignal.timeout(init.timeoutMs ?? 15_000), redirect: 'manual' })
    } catch (err) {
      throw new CloudUnavailable(`the cloud at ${config.cloudUrl} did not answer: ${(err as Error).cause ? String((err as { cause: Error }).cause.message ?? (err as { cause: unknown }).cause) : (err as Error).message}`, null)
    }
    const bytes = Buffer.from(await res.arrayBuffer())
    const durationMs = Math.round(performance.now() - started)
    let json: any = null
    if ((res.headers.get('content-type') ?? '').includes('json')) { try { json = JSON.parse(bytes.toString('utf8')) } catch { json = null } }
    return { status: res.status, json, bytes, headers: res.headers, durationMs }
  }

  function token (): string {
    if (!config.internalToken) throw new CloudRefused('internalToken is not configured: the management deployment cannot reach the cloud', 503, null)
    return config.internalToken
  }

  async function internal (method: string, path: string, body?: unknown): Promise<{ status: number, json: any, bytes: Buffer, headers: Headers }> {
    const res = await send(method, path, { headers: { 'x-internal-token': token(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    if (res.status < 300) return res
    const detail = res.json?.detail ?? res.bytes.toString('utf8').slice(0, 300)
    if (retryable(res.status)) throw Object.assign(new CloudUnavailable(`the cloud answered ${res.status} to ${method} ${path}: ${detail}`, res.status), { body: res.json })
    throw new CloudRefused(`the cloud refused ${method} ${path} (${res.status}): ${detail}`, res.status, res.json)
  }

  /**
   * GETs a machine endpoint's body into `file` (0600) as it arrives, never whole in memory: the
   * tenant export. Written to `<file>.part` and renamed once complete; returns its hash and size.
   */
  async function download (path: string, file: string, timeoutMs = 30 * 60_000): Promise<{ sha256: string, bytes: number }> {
    let res: Response
    try {
      res = await fetch(new URL(path, config.cloudUrl), { headers: { 'x-internal-token': token() }, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' })
    } catch (err) {
      throw new CloudUnavailable(`the cloud at ${config.cloudUrl} did not answer: ${(err as Error).message}`, null)
    }
    if (res.status >= 300 || !res.body) {
      const detail = (await res.text()).slice(0, 300)
      if (retryable(res.status)) throw new CloudUnavailable(`the cloud answered ${res.status} to GET ${path}: ${detail}`, res.status)
      throw new CloudRefused(`the cloud refused GET ${path} (${res.status}): ${detail}`, res.status, null)
    }
    const hash = createHash('sha256')
    let bytes = 0
    const counted = new Transform({ transform (chunk: Buffer, _enc, done) { hash.update(chunk); bytes += chunk.length; done(null, chunk) } })
    const part = `${file}.part`
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), counted, createWriteStream(part, { mode: 0o600 }))
    } catch (err) {
      await rm(part, { force: true })
      // A body cut off halfway (the cloud restarted): worth another try.
      throw new CloudUnavailable(`the export from ${path} broke off after ${bytes} bytes: ${(err as Error).message}`, null)
    }
    await rename(part, file)
    return { sha256: hash.digest('hex'), bytes }
  }

  return {
    internal,
    download,
    /** One signed delivery of a license; the outcome, never a throw (the delivery log keeps it). */
    async deliverLicense (deliveryId: string, cloudTenantId: string, license: string): Promise<{ ok: boolean, status: number | null, durationMs: number, error: string | null }> {
      if (!config.webhookSecret) return { ok: false, status: null, durationMs: 0, error: 'webhookSecret is not configured' }
      const body = JSON.stringify({ type: 'license.updated', tenantId: cloudTenantId, license })
      const timestamp = Math.floor(Date.now() / 1000)
      const started = performance.now()
      try {
        const res = await send('POST', '/internal/license/refresh', {
          body,
          headers: { 'content-type': 'application/json', 'webhook-id': deliveryId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(config.webhookSecret, deliveryId, timestamp, body) }
        })
        const ok = res.status >= 200 && res.status < 300
        return { ok, status: res.status, durationMs: res.durationMs, error: ok ? null : String(res.json?.detail ?? res.bytes.toString('utf8').slice(0, 300)) }
      } catch (err) {
        return { ok: false, status: null, durationMs: Math.round(performance.now() - started), error: (err as Error).message }
      }
    }
  }
}

export type Cloud = ReturnType<typeof cloudClient>
export const newId = () => randomUUID()
