import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { useApiData, useT, type ApiData, type T } from '@monozu/ui-sdk'
import { useDebounced, useLive } from './live.tsx'
import { messages } from './messages.ts'
import type { CiType, FieldDef } from './types.ts'

interface Catalog {
  types: CiType[]
  byKey: Map<string, CiType>
  loaded: boolean
  error: ApiData<unknown>['error']
  reload: () => void
}

const CatalogContext = createContext<Catalog | null>(null)

/** The tenant's CI types, read once for the whole module and again when one changes. */
export function CatalogProvider ({ children }: { children: ReactNode }) {
  const data = useApiData<{ items: CiType[] }>('/api/v1/cmdb/types')
  const reload = useDebounced(data.reload, 200)
  useLive(e => { if (e.event === 'type.changed') reload() })
  const value = useMemo<Catalog>(() => {
    const types = data.data?.items ?? []
    return { types, byKey: new Map(types.map(t => [t.key, t])), loaded: data.data !== undefined, error: data.error, reload: data.reload }
  }, [data.data, data.error, data.reload])
  return <CatalogContext.Provider value={value}>{children}</CatalogContext.Provider>
}

export function useCatalog (): Catalog {
  const catalog = useContext(CatalogContext)
  if (!catalog) throw new Error('useCatalog needs the CatalogProvider (Module.tsx mounts it)')
  return catalog
}

/** A type's name in the current language: built-in types are translated, tenant types are as defined. */
export function typeLabel (t: T, key: string, type?: CiType): string {
  if ((!type || type.builtin) && t.has(`type.${key}`)) return t(`type.${key}`)
  return type?.label ?? key
}

/** A field's name: core and built-in fields are translated, custom fields keep their label. */
export function fieldLabel (t: T, key: string, def?: FieldDef): string {
  if ((!def || def.builtin) && t.has(`field.${key}`)) return t(`field.${key}`)
  return def?.label ?? key
}

/** Labels for a type's fields and core fields, for places that only have keys (history, import). */
export function useFieldLabel (typeKey?: string): (key: string) => string {
  const t = useT(messages)
  const { byKey, types } = useCatalog()
  return useMemo(() => {
    const own = typeKey ? byKey.get(typeKey) : undefined
    return (key: string) => {
      const def = own?.fields.find(f => f.key === key) ?? types.flatMap(ty => ty.fields).find(f => f.key === key)
      return fieldLabel(t, key, def)
    }
  }, [t, byKey, types, typeKey])
}
