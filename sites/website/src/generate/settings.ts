// The website's build settings. A production build (the default: `npm run build:sites`,
// `npm run build`) takes the contact API's URL and the Turnstile site key from the environment
// and refuses to build without them; it never falls back to a local value. Local development and
// the tests ask for the development mode explicitly (SITES_MODE=development), which fills in the
// local stand-ins: the contact API of `npm run dev -w @monozu/contact-api` and Cloudflare's
// always-pass test key.

export type SitesMode = 'production' | 'development'

export interface WebsiteSettings {
  mode: SitesMode
  /** Canonical, hreflang, og:url and sitemap URLs. */
  siteUrl: string
  /** Where the contact form posts. */
  contactApiUrl: string
  turnstileSiteKey: string
  /** The cloud app's sign-in page, linked from every page. */
  appUrl: string
  /** The public docs, linked from every page. */
  docsUrl: string
}

/** The development stand-ins; a production build never uses them. */
export const developmentSettings = {
  contactApiUrl: 'http://127.0.0.1:8787/api/contact',
  /** Cloudflare's documented test key that always passes. */
  turnstileSiteKey: '1x00000000000000000000AA',
  appUrl: 'http://127.0.0.1:5173/',
  docsUrl: 'http://127.0.0.1:4322/'
} as const

const production = {
  siteUrl: 'https://monozu.cloud',
  appUrl: 'https://app.monozu.cloud/',
  docsUrl: 'https://docs.monozu.cloud/'
} as const

/** The variables a production build cannot do without. */
export const requiredInProduction = ['CONTACT_API_URL', 'TURNSTILE_SITE_KEY'] as const

export class SettingsError extends Error {}

export function sitesMode (env: NodeJS.ProcessEnv): SitesMode {
  const mode = env.SITES_MODE ?? 'production'
  if (mode !== 'production' && mode !== 'development') throw new SettingsError(`SITES_MODE must be "production" or "development", not "${mode}"`)
  return mode
}

/** The settings of a build in `env`; throws a SettingsError naming what a production build lacks. */
export function websiteSettings (env: NodeJS.ProcessEnv): WebsiteSettings {
  const mode = sitesMode(env)
  const value = (name: string) => env[name]?.trim() || undefined
  if (mode === 'production') {
    const missing = requiredInProduction.filter(name => !value(name))
    if (missing.length > 0) {
      throw new SettingsError(
        `the production build of the website needs ${missing.join(' and ')} (the contact API's public URL and the Cloudflare Turnstile site key). ` +
        'Set them, or build for local development with SITES_MODE=development (npm run build:sites -- --development), which uses local stand-ins.'
      )
    }
  }
  const pick = (name: string, dev: string, prod: string) => value(name) ?? (mode === 'development' ? dev : prod)
  const url = (name: string, raw: string) => {
    try { return new URL(raw).href } catch { throw new SettingsError(`${name} is not a URL: "${raw}"`) }
  }
  return {
    mode,
    siteUrl: url('SITE_URL', value('SITE_URL') ?? production.siteUrl),
    contactApiUrl: url('CONTACT_API_URL', value('CONTACT_API_URL') ?? developmentSettings.contactApiUrl),
    turnstileSiteKey: value('TURNSTILE_SITE_KEY') ?? developmentSettings.turnstileSiteKey,
    appUrl: url('APP_URL', pick('APP_URL', developmentSettings.appUrl, production.appUrl)),
    docsUrl: url('DOCS_URL', pick('DOCS_URL', developmentSettings.docsUrl, production.docsUrl))
  }
}
