import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react'

/**
 * A small history router shared by the shell and every module (one instance, because the SDK
 * is a singleton), so a module's links and the shell's navigation stay in step.
 */
const NAVIGATE_EVENT = 'monozu:navigate'

function subscribe (onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(NAVIGATE_EVENT, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(NAVIGATE_EVENT, onChange)
  }
}

const snapshot = () => window.location.pathname + window.location.search

export interface Location { pathname: string, search: string, query: URLSearchParams }

export function navigate (to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return
  if (options.replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  window.dispatchEvent(new Event(NAVIGATE_EVENT))
}

export function useLocation (): Location {
  const href = useSyncExternalStore(subscribe, snapshot, snapshot)
  const q = href.indexOf('?')
  const pathname = q === -1 ? href : href.slice(0, q)
  const search = q === -1 ? '' : href.slice(q)
  return { pathname, search, query: new URLSearchParams(search) }
}

/** Matches `/items/:id` or `/items/*` against a path; returns the params (`*` holds the rest) or null. */
export function matchPath (pattern: string, pathname: string): Record<string, string> | null {
  const pp = pattern.split('/').filter(Boolean)
  const sp = pathname.split('/').filter(Boolean)
  const params: Record<string, string> = {}
  for (let i = 0; i < pp.length; i++) {
    const p = pp[i] as string
    if (p === '*') { params['*'] = sp.slice(i).map(decodeURIComponent).join('/'); return params }
    const s = sp[i]
    if (s === undefined) return null
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(s)
    else if (p !== s) return null
  }
  return sp.length === pp.length ? params : null
}

/** Joins a base path and a sub path: joinPath('/m/x', '/a') → '/m/x/a'. */
export function joinPath (base: string, path = '/'): string {
  const b = base.replace(/\/+$/, '')
  const p = path.replace(/^\/+/, '')
  return p ? `${b}/${p}` : (b || '/')
}

export interface Route { path: string, render: (params: Record<string, string>) => ReactNode }

/**
 * Renders the first route whose `path` (relative to `base`) matches the location.
 * `<Routes base={basePath} routes={[{ path: '/', render: () => <List/> }, { path: '/items/:id', render: p => <Item id={p.id}/> }]} />`
 */
export function Routes ({ base = '', routes, fallback = null }: { base?: string, routes: Route[], fallback?: ReactNode }) {
  const { pathname } = useLocation()
  const b = base.replace(/\/+$/, '')
  if (b && pathname !== b && !pathname.startsWith(b + '/')) return <>{fallback}</>
  const rest = pathname.slice(b.length) || '/'
  for (const route of routes) {
    const params = matchPath(route.path, rest)
    if (params) return <>{route.render(params)}</>
  }
  return <>{fallback}</>
}

export type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string, replace?: boolean }

/** An anchor that navigates without reloading (modifier-clicks and new tabs still work). */
export function Link ({ to, replace, onClick, target, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e)
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || (target && target !== '_self')) return
    e.preventDefault()
    navigate(to, { replace })
  }
  return <a href={to} target={target} onClick={handle} {...rest} />
}

/** A Link that sets aria-current="page" when the location is at or below `to` (exactly at, with `end`). */
export function NavLink ({ end, className, ...props }: LinkProps & { end?: boolean }) {
  const { pathname } = useLocation()
  const active = end ? pathname === props.to : pathname === props.to || pathname.startsWith(props.to.replace(/\/+$/, '') + '/')
  return <Link {...props} className={className} aria-current={active ? 'page' : undefined} />
}
