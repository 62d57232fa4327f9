import { useCallback, useEffect, useRef, useState } from 'react'
import { useApi, withQuery, type Query } from '@monozu/ui-sdk'

/** One page of a list, as every list route answers (`?limit=&cursor=`). */
export interface Page<T> { items: T[], nextCursor: string | null }

export interface CursorList<T> {
  items: T[]
  /** Set once a first page arrived (rows of a previous query stay until the new one's arrive). */
  loaded: boolean
  loading: boolean
  error: Error | undefined
  hasMore: boolean
  loadMore: () => void
  /** Starts again from the first page (keeps the rows on screen until it arrives). */
  reload: () => void
  /** Changes the rows locally, e.g. after a live event. */
  setItems: (update: (items: T[]) => T[]) => void
}

/** A `{ items, nextCursor }` list read page by page; a new path or query starts over; `path: null` waits. */
export function useCursorList<T> (path: string | null, query?: Query): CursorList<T> {
  const api = useApi()
  const key = path === null ? null : withQuery(path, query)
  const [state, setState] = useState<{ key: string | null, items: T[], cursor: string | null, loaded: boolean, loading: boolean, error: Error | undefined }>(
    { key, items: [], cursor: null, loaded: false, loading: key !== null, error: undefined })
  const [tick, setTick] = useState(0)
  const latest = useRef(key)
  latest.current = key

  useEffect(() => {
    if (key === null) return
    const controller = new AbortController()
    // A new filter keeps the old rows on screen until its first page arrives (no flash of nothing).
    setState(s => ({ ...s, ...(s.key === key ? {} : { key, cursor: null }), loading: true, error: undefined }))
    api.get<Page<T>>(key, { signal: controller.signal }).then(
      page => { if (latest.current === key) setState({ key, items: page.items, cursor: page.nextCursor, loaded: true, loading: false, error: undefined }) },
      (error: Error) => { if (error.name !== 'AbortError' && latest.current === key) setState(s => ({ ...s, loading: false, error })) }
    )
    return () => controller.abort()
  }, [api, key, tick])

  const cursor = state.cursor
  const loadMore = useCallback(() => {
    if (key === null || cursor === null) return
    setState(s => ({ ...s, loading: true, error: undefined }))
    api.get<Page<T>>(withQuery(key, { cursor })).then(
      page => { if (latest.current === key) setState(s => ({ ...s, items: [...s.items, ...page.items], cursor: page.nextCursor, loading: false })) },
      (error: Error) => { if (latest.current === key) setState(s => ({ ...s, loading: false, error })) }
    )
  }, [api, key, cursor])

  const reload = useCallback(() => setTick(t => t + 1), [])
  const setItems = useCallback((update: (items: T[]) => T[]) => setState(s => ({ ...s, items: update(s.items) })), [])
  return { items: state.items, loaded: state.loaded, loading: state.loading, error: state.error, hasMore: cursor !== null, loadMore, reload, setItems }
}
