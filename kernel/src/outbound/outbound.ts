import { lookup } from 'node:dns/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { refusedRange } from './address-policy.ts'

/** Why an outbound request failed; for the server log only, never for the tenant. */
export type OutboundFailure = 'unsupported_url' | 'unresolvable' | 'refused_address' | 'timeout' | 'too_large' | 'connection_failed'

export class OutboundError extends Error {
  readonly reason: OutboundFailure
  constructor (reason: OutboundFailure, detail: string) {
    super(`outbound request failed (${reason}): ${detail}`)
    this.name = 'OutboundError'
    this.reason = reason
  }
}

export interface OutboundOptions {
  /** OUTBOUND_ALLOW_PRIVATE: lifts the address rule (development, tests with local servers). */
  allowPrivate: boolean
  log: { warn (obj: object, msg: string): void }
  /** Connect + response, whole request. */
  timeoutMs?: number
  maxResponseBytes?: number
  /** Every address a host name resolves to; the system resolver unless a test stands in. */
  resolve?: (host: string) => Promise<string[]>
}

/** What `fetch` accepts: the subset openid-client's customFetch and webhook senders use. */
export interface OutboundInit {
  method?: string
  headers?: Record<string, string> | Headers
  body?: string | URLSearchParams | ArrayBuffer | Uint8Array | ReadableStream | null
  signal?: AbortSignal | null
}

const systemResolve = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map(a => a.address)

/**
 * The one way the kernel calls a URL a tenant supplied (OIDC discovery, JWKS and token
 * endpoints; tenant webhooks). It has the shape of `fetch`, so it plugs into openid-client
 * (`[oidc.customFetch]`) and anything else written against fetch:
 *
 *   const res = await outbound.fetch(url, { method: 'POST', headers, body })
 *
 * Every address the host resolves to must be public (see address-policy.ts), and the
 * connection goes to the address that was checked, so a DNS answer that changes between
 * check and connect (rebinding) cannot redirect it. Redirects are returned, never followed;
 * the whole request has one deadline and the body a size cap. Any failure is an
 * OutboundError, logged here with its detail: callers answer the tenant with one generic
 * error whatever the reason, so the client cannot be used to scan ports or networks.
 */
export function createOutbound (options: OutboundOptions) {
  const timeoutMs = options.timeoutMs ?? 5000
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024
  const resolve = options.resolve ?? systemResolve
  if (options.allowPrivate) options.log.warn({ outbound: { allowPrivate: true } }, 'OUTBOUND_ALLOW_PRIVATE is on: tenant-supplied URLs may reach loopback and private networks; never use it in production')

  async function checkedAddress (host: string): Promise<string> {
    const literal = host.startsWith('[') ? host.slice(1, -1) : host
    let addresses: string[]
    if (isIP(literal)) {
      addresses = [literal]
    } else {
      try {
        addresses = await resolve(literal)
      } catch (err) {
        throw new OutboundError('unresolvable', `${host}: ${(err as Error).message}`)
      }
      if (addresses.length === 0) throw new OutboundError('unresolvable', host)
    }
    if (!options.allowPrivate) {
      // One refused address refuses the host: otherwise a name with a public and a private
      // answer would be checked on one and could be retried on the other.
      for (const address of addresses) {
        const range = refusedRange(address)
        if (range) throw new OutboundError('refused_address', `${host} resolves to ${address} (${range})`)
      }
    }
    return addresses[0] as string
  }

  function send (url: URL, address: string, init: OutboundInit, body: string | Uint8Array | undefined, signal: AbortSignal): Promise<Response> {
    const family = isIP(address)
    const pinned: LookupFunction = (_host, opts, callback) => {
      if ((opts as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string, family: number }>) => void)(null, [{ address, family }])
      else callback(null, address, family)
    }
    const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : { ...init.headers }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise<Response>((resolvePromise, reject) => {
      const req = request({
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: init.method ?? 'GET',
        headers,
        lookup: pinned,
        agent: false,
        signal
      }, (res: IncomingMessage) => {
        const declared = Number(res.headers['content-length'] ?? 0)
        if (declared > maxBytes) { req.destroy(new OutboundError('too_large', `content-length ${declared}`)); return }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) { req.destroy(new OutboundError('too_large', `more than ${maxBytes} bytes`)); return }
          chunks.push(chunk)
        })
        res.on('error', reject)
        res.on('end', () => {
          const status = res.statusCode ?? 502
          const responseHeaders = new Headers()
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string)
          const nullBody = status === 204 || status === 205 || status === 304 || init.method === 'HEAD'
          resolvePromise(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }))
        })
      })
      req.on('error', reject)
      if (body !== undefined) req.write(body)
      req.end()
    })
  }

  async function fetch (input: string | URL, init: OutboundInit = {}): Promise<Response> {
    const url = URL.parse(String(input))
    if (!url) throw new OutboundError('unsupported_url', 'not an absolute URL')
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline
    try {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundError('unsupported_url', `protocol ${url.protocol}`)
      if (url.username || url.password) throw new OutboundError('unsupported_url', 'credentials in the URL')
      const timedOut = new Promise<never>((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason)
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
      timedOut.catch(() => {}) // it only matters while the name is being resolved
      const address = await Promise.race([checkedAddress(url.hostname), timedOut])
      return await send(url, address, init, await bodyOf(init.body), signal)
    } catch (err) {
      const failure = asFailure(err, deadline.aborted)
      // The origin only: a webhook URL's path or query often holds its secret.
      options.log.warn({ outbound: { origin: url.origin, method: init.method ?? 'GET', reason: failure.reason }, err: failure.message }, 'outbound request failed')
      throw failure
    }
  }

  return { fetch }
}

async function bodyOf (body: OutboundInit['body']): Promise<string | Uint8Array | undefined> {
  if (body == null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof URLSearchParams) return body.toString()
  return new Uint8Array(await new Response(body).arrayBuffer())
}

function asFailure (err: unknown, timedOut: boolean): OutboundError {
  if (err instanceof OutboundError) return err
  if (timedOut) return new OutboundError('timeout', 'no complete answer in time')
  return new OutboundError('connection_failed', (err as Error).message ?? String(err))
}

export type Outbound = ReturnType<typeof createOutbound>
