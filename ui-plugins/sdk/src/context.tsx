import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { createApiClient, type ApiClient } from './api.ts'
import { ToastProvider } from './components/Toast.tsx'
import type { Feature, Lang, Me, Session } from './types.ts'
import type { ModuleLoader } from './widgets.tsx'

export interface MonozuContextValue {
  session: Session
  api: ApiClient
  lang: Lang
  setLang: (lang: Lang) => void
  me: Me | null
  features: Feature[]
  modules: ModuleLoader | undefined
}

const MonozuContext = createContext<MonozuContextValue | null>(null)

export interface MonozuProviderProps {
  session: Session
  lang: Lang
  setLang: (lang: Lang) => void
  me?: Me | null
  features?: Feature[]
  /** Loads other modules' exposes (their widgets); the shell provides it. */
  modules?: ModuleLoader
  /** Prefix for API paths (default: same origin). */
  apiBase?: string
  children?: ReactNode
}

const noFeatures: Feature[] = []

/**
 * Mounted once by the shell. Everything a module reads through the SDK's hooks comes from here,
 * which is why the SDK must be one shared instance (a module federation singleton).
 */
export function MonozuProvider ({ session, lang, setLang, me = null, features = noFeatures, modules, apiBase = '', children }: MonozuProviderProps) {
  const api = useMemo(() => createApiClient(session, apiBase), [session, apiBase])
  const value = useMemo(() => ({ session, api, lang, setLang, me, features, modules }), [session, api, lang, setLang, me, features, modules])
  return (
    <MonozuContext.Provider value={value}>
      <ToastProvider>{children}</ToastProvider>
    </MonozuContext.Provider>
  )
}

export function useMonozu (): MonozuContextValue {
  const value = useContext(MonozuContext)
  if (!value) throw new Error('@monozu/ui-sdk: no MonozuProvider above this component. Modules run inside the shell, which provides it; if you see this in a module, @monozu/ui-sdk is not shared as a singleton.')
  return value
}

/** The signed-in user and tenant. */
export function useMe (): Me | null {
  return useMonozu().me
}

/** The modules this user may use, as /api/v1/me/features lists them. */
export function useFeatures (): Feature[] {
  return useMonozu().features
}

/** Does the user hold this permission (through one of the listed modules)? */
export function useHasPermission (permission: string): boolean {
  const features = useFeatures()
  return features.some(f => f.permissions.includes(permission))
}

export function useSession (): Session {
  return useMonozu().session
}
