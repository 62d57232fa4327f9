/** The two languages every Monozu screen speaks. */
export type Lang = 'en' | 'pl'
export const LANGS: readonly Lang[] = ['en', 'pl']

/** A text in both languages, as plugin.json and the API carry it. */
export interface Localized { en: string, pl: string }

export interface Tenant { id: string, slug: string, name: string }

/** The signed-in user as GET /api/v1/me/features returns it. */
export interface Me {
  tenant: Tenant | null
  user: { id: string, email: string, name: string, roles: string[] }
}

export interface NavItem { path: string, label: Localized, icon?: string }

/** One module the user may use (GET /api/v1/me/features `features[]`). */
export interface Feature {
  id: string
  name: Localized
  version: string
  permissions: string[]
  /** `widgets`: the expose holding the module's home-page widgets (plugin.json `ui.widgets`), or null. */
  ui: { remote: string, remoteEntry: string, exposes: string, widgets?: string | null } | null
  nav: NavItem[]
}

export interface MeFeatures extends Me { features: Feature[] }

/** Props the shell passes to every module's default export. */
export interface ModuleProps {
  /** Where the module is mounted, e.g. `/m/overview`; every route of the module lives below it. */
  basePath: string
}

/**
 * What the shell gives the SDK: the in-memory access token and a way to renew it.
 * The SDK never stores a token anywhere.
 */
export interface Session {
  /** The current access token, or null when signed out. */
  getToken (): string | null
  /** Renews the access token through the refresh cookie (one request at a time); null means signed out. */
  refresh (): Promise<string | null>
  /** Called with every new token (and null on sign-out); returns the unsubscribe function. */
  subscribe (listener: (token: string | null) => void): () => void
}
