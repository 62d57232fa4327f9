import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * What browsers are told on every response (shell, module code, API, errors): a CSP that lets
 * only this origin's (or UI_BASE_URL's) code and styles run and connect, never framed, no
 * referrer, HSTS when PUBLIC_URL is https. Through @fastify/helmet, so the header set follows
 * helmet's maintained defaults (nosniff, COOP, CORP, ...) rather than a hand-kept list.
 *
 * No 'unsafe-inline' anywhere: the shell's index.html has no inline script, module CSS arrives
 * as <link> files, and React's `style` props go through the CSSOM, which style-src does not cover.
 */
export function securityHeaders (config: { publicUrl?: string | undefined, uiBaseUrl?: string | undefined }): FastifyHelmetOptions {
  const https = config.publicUrl?.startsWith('https:') === true
  // Modules served from a CDN are scripts, styles and (remote manifests) fetches from its origin.
  const cdn = config.uiBaseUrl && /^https?:\/\//.test(config.uiBaseUrl) ? [new URL(config.uiBaseUrl).origin] : []
  // 'self' covers same-origin WebSockets in CSP Level 3 only; naming the ws(s) origin also serves older browsers.
  const sockets = config.publicUrl ? [new URL(config.publicUrl).origin.replace(/^http/, 'ws')] : []
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
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
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false
  }
}
