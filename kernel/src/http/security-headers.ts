import type { FastifyInstance } from 'fastify'

export interface WebOrigins { publicUrl?: string | undefined, uiBaseUrl?: string | undefined }

/**
 * The CSP: only this origin's (or UI_BASE_URL's) code and styles run and connect, never framed.
 * No 'unsafe-inline' anywhere: the shell's index.html has no inline script, module CSS arrives
 * as <link> files, and React's `style` props go through the CSSOM, which style-src does not cover.
 */
function cspDirectives (config: WebOrigins, https: boolean): Record<string, string[]> {
  // Modules served from a CDN are scripts, styles and (remote manifests) fetches from its origin.
  const cdn = config.uiBaseUrl && /^https?:\/\//.test(config.uiBaseUrl) ? [new URL(config.uiBaseUrl).origin] : []
  // 'self' covers same-origin WebSockets in CSP Level 3 only; naming the ws(s) origin also serves older browsers.
  const sockets = config.publicUrl ? [new URL(config.publicUrl).origin.replace(/^http/, 'ws')] : []
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...cdn],
    styleSrc: ["'self'", ...cdn],
    fontSrc: ["'self'", ...cdn],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", ...sockets, ...cdn],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    ...(https ? { upgradeInsecureRequests: [] } : {})
  }
}

/** `defaultSrc: ["'self'"]` → `default-src 'self'`; the values above are written already quoted. */
function cspHeader (directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`), ...values].join(' '))
    .join('; ')
}

/**
 * Every response (shell, module code, API, errors) carries the same browser security headers:
 * the CSP above, no framing, no referrer, HSTS when PUBLIC_URL is https, and the rest of
 * helmet's defaults. Computed once and set by one synchronous hook: @fastify/helmet's plugin
 * rebuilds helmet's middleware on every request (measured 17 us a request against 0.4 us), a
 * cost the ingest route cannot carry, so the headers are ours and helmet is not a dependency.
 */
export function securityHeaders (config: WebOrigins): Record<string, string> {
  const https = config.publicUrl?.startsWith('https:') === true
  return {
    'content-security-policy': cspHeader(cspDirectives(config, https)),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0'
  }
}

export function installSecurityHeaders (app: FastifyInstance, config: WebOrigins): void {
  const headers = securityHeaders(config)
  app.addHook('onRequest', (_request, reply, done) => { reply.headers(headers); done() })
}
