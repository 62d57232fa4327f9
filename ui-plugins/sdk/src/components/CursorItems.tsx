import type { ReactNode } from 'react'
import type { CursorList } from '../cursorList.ts'
import { useT, DelayedSpinner, ErrorState } from '@monozu/ui-sdk'

/** "Load more" for a `useCursorList` list: gone on the last page, disabled while a page is on its way. */
export function LoadMore ({ list, label }: { list: Pick<CursorList<unknown>, 'hasMore' | 'loading' | 'loadMore'>, label?: string }) {
  const t = useT()
  if (!list.hasMore) return null
  return <button type='button' className='mz-button' onClick={list.loadMore} disabled={list.loading}>{list.loading ? t('common.loading') : label ?? t('common.loadMore')}</button>
}

export interface CursorItemsProps<T> {
  list: CursorList<T>
  /** Shown when the first page is empty. */
  empty: ReactNode
  /** The loaded rows, in your own markup (a timeline, cards): `CursorTable` is the table form. */
  children: (items: T[]) => ReactNode
  loadMoreLabel?: string
}

/** A `useCursorList` list in any markup: its error with a retry, a spinner until the first page, `empty`, "load more". */
export function CursorItems<T> ({ list, empty, children, loadMoreLabel }: CursorItemsProps<T>) {
  return (
    <>
      {list.error && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loaded ? (list.items.length === 0 ? empty : children(list.items)) : !list.error && <DelayedSpinner />}
      <LoadMore list={list} label={loadMoreLabel} />
    </>
  )
}
