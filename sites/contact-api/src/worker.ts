// The contact-form worker: a Cloudflare Workers module that uses web-standard APIs only
// (Request, Response, fetch, crypto.subtle, URL), so the same file runs on Workers and behind
// the Node adapter (src/node.ts). One route: POST /api/contact, plus its CORS preflight.
//
// Order of checks, cheapest first, so nothing costly runs for a request that will be refused:
// route and method, configuration, Origin, Content-Type, size, JSON, honeypot, fields, the
// per-IP limit, then siteverify, then the one mail through Resend.
//
// The module exports its handler only: Workers treats every other runtime export of the main
// module as an entrypoint and refuses to start on a plain value.

import { readCapped, isJson } from './body.ts'
import { ROUTE, loadConfig, type ConfigResult } from './config.ts'
import { allowedOrigin, corsHeaders, preflightHeaders } from './cors.ts'
import type { ErrorCode } from './errors.ts'
import { emailDomain, logEvent, logRequest, maskIp, type RequestLog } from './log.ts'
import { composeMail } from './mail.ts'
import { bindingLimiter, isRateLimitBinding, memoryLimiter, type RateLimiter, type RateLimitBinding } from './rate-limit.ts'
import { sendMail } from './resend.ts'
import { empty, json, problem } from './respond.ts'
import { submissionId } from './submission-id.ts'
import { verifyTurnstile } from './turnstile.ts'
import { isHoneypotHit, validate } from './validate.ts'

export interface Env {
  [variable: string]: unknown
  CONTACT_RATE_LIMITER?: RateLimitBinding
}

/** The part of Workers' ExecutionContext the worker uses (the Node adapter provides it too). */
export interface ExecutionContext {
  waitUntil (promise: Promise<unknown>): void
  passThroughOnException? (): void
}

interface State {
  result: ConfigResult
  limiter: RateLimiter | null
}

// Workers hand the same env object to every request of an isolate: parse it once. The in-memory
// windows are kept per limit/period, so they survive even if a runtime passes a fresh env object.
const states = new WeakMap<object, State>()
const memoryLimiters = new Map<string, RateLimiter>()

function stateFor (env: Env): State {
  let state = states.get(env)
  if (state !== undefined) return state
  const result = loadConfig(env)
  let limiter: RateLimiter | null = null
  if (!result.ok) {
    logEvent('error', 'misconfigured', { errors: result.errors })
  } else if (isRateLimitBinding(env.CONTACT_RATE_LIMITER)) {
    limiter = bindingLimiter(env.CONTACT_RATE_LIMITER, error => logEvent('warn', 'rate_limiter_failed', { error: describe(error) }))
  } else {
    const { rateLimitMax: max, rateLimitWindowSeconds: window } = result.config
    const key = `${max}/${window}`
    limiter = memoryLimiters.get(key) ?? memoryLimiter(max, window)
    memoryLimiters.set(key, limiter)
  }
  state = { result, limiter }
  states.set(env, state)
  return state
}

export default {
  async fetch (request: Request, env: Env, _ctx?: ExecutionContext): Promise<Response> {
    const started = Date.now()
    const log: RequestLog = { method: request.method, path: new URL(request.url).pathname, status: 0, outcome: '', ms: 0 }
    const ray = request.headers.get('cf-ray')
    if (ray !== null) log.ray = ray.slice(0, 64)
    let response: Response
    try {
      response = await handle(request, env, log)
    } catch (error) {
      log.outcome = 'internal_error'
      log.reason = describe(error)
      response = problem('internal_error')
    }
    log.status = response.status
    log.ms = Date.now() - started
    logRequest(log)
    return response
  }
}

async function handle (request: Request, env: Env, log: RequestLog): Promise<Response> {
  const state = stateFor(env)
  const fail = (code: ErrorCode, extra: Parameters<typeof problem>[1] = {}): Response => {
    log.outcome = code
    return problem(code, extra)
  }

  if (log.path !== ROUTE) return fail('not_found')

  const origins = state.result.ok ? state.result.config.allowedOrigins : state.result.allowedOrigins
  const sentOrigin = request.headers.get('origin')
  const origin = allowedOrigin(request, origins)
  log.origin = sentOrigin === null ? null : sentOrigin.slice(0, 200)
  const cors = corsHeaders(origin)

  if (request.method === 'OPTIONS') {
    if (origin !== null) {
      log.outcome = 'preflight'
      return empty(204, preflightHeaders(origin))
    }
    if (sentOrigin !== null) return fail('origin_not_allowed', { headers: cors })
    log.outcome = 'options'
    return empty(204, { allow: 'POST, OPTIONS' })
  }
  if (request.method !== 'POST') return fail('method_not_allowed', { headers: { ...cors, allow: 'POST, OPTIONS' } })

  if (!state.result.ok || state.limiter === null) {
    log.reason = state.result.ok ? 'no limiter' : state.result.errors.join('; ')
    return fail('misconfigured', { headers: cors })
  }
  const config = state.result.config
  const limiter = state.limiter

  // Only a browser on the website posts here, and browsers always send Origin on a
  // cross-origin POST: a missing Origin is refused like a foreign one.
  if (origin === null) return fail('origin_not_allowed', { headers: cors })
  if (!isJson(request)) return fail('unsupported_media_type', { headers: cors })

  const read = await readCapped(request, config.maxBodyBytes)
  if (!read.ok) {
    log.reason = read.reason
    return fail(read.reason === 'too_large' ? 'too_large' : 'invalid_json', { headers: cors })
  }
  let body: unknown
  try {
    body = JSON.parse(read.text)
  } catch {
    return fail('invalid_json', { headers: cors })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('invalid_input', { fields: { body: 'type' }, headers: cors })
  }
  const fields = body as Record<string, unknown>

  if (isHoneypotHit(fields)) {
    // Looks exactly like a success, so a bot learns nothing; nothing is verified or sent.
    log.outcome = 'honeypot'
    return json(200, { ok: true, id: crypto.randomUUID() }, cors)
  }

  const checked = validate(fields)
  if (!checked.ok) {
    log.fields = Object.entries(checked.fields).map(([field, rule]) => `${field}:${rule}`)
    return fail('invalid_input', { fields: checked.fields, headers: cors })
  }
  const input = checked.input
  log.emailDomain = emailDomain(input.email)
  log.locale = input.locale

  const ip = request.headers.get('cf-connecting-ip')?.trim().slice(0, 64) || null
  if (ip !== null) log.ip = maskIp(ip)
  log.limiter = limiter.kind
  const decision = await limiter.take(ip ?? 'unknown')
  if (!decision.allowed) {
    return fail('rate_limited', { headers: { ...cors, 'retry-after': String(decision.retryAfterSeconds) } })
  }

  const id = await submissionId(input)
  log.id = id

  const verdict = await verifyTurnstile(config, input.turnstileToken, ip, id)
  if (verdict.outcome !== 'passed') {
    log.reason = verdict.reason
    if (verdict.outcome === 'failed') return fail('captcha_failed', { headers: cors })
    decision.release()
    return fail(verdict.outcome === 'misconfigured' ? 'misconfigured' : 'captcha_unavailable', { headers: cors })
  }

  const sent = await sendMail(config, composeMail(config, input, id), `contact-form/${id}`)
  if (!sent.ok) {
    log.reason = sent.reason
    decision.release()
    return fail('mail_failed', { headers: cors })
  }
  if (sent.resendId !== null) log.resendId = sent.resendId
  log.outcome = 'sent'
  return json(200, { ok: true, id }, cors)
}

function describe (error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300)
  return String(error).slice(0, 300)
}
