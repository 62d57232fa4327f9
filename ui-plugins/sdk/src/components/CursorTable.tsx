import type { CursorList } from '../cursorList.ts'
import { useT, DelayedSpinner, ErrorState } from '@monozu/ui-sdk'
import type { DataTableProps } from './DataTable.tsx'
// The lazy DataTable, not the file: a second lazy wrapper of the same table would suspend (and
// show a spinner) again on a screen's first table after a list had already loaded it.
import { DataTable } from './lazy.tsx'

export interface CursorTableProps<T> extends Omit<DataTableProps<T>, 'rows' | 'pageSize' | 'onLoadMore' | 'loadMoreLabel' | 'loadingMore'> {
  /** What `useCursorList` returned. */
  list: CursorList<T>
}

/**
 * A `useCursorList` list as a table: its error with a retry, a spinner until the first page, then
 * every loaded row with "load more". The server pages and filters, so by default the table does
 * neither; the page's heading names the list, so the caption is for screen readers by default.
 */
export function CursorTable<T> ({ list, filterable = false, hideCaption = true, ...table }: CursorTableProps<T>) {
  const t = useT()
  return (
    <>
      {list.error && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loaded
        ? (
          <DataTable
            {...table}
            rows={list.items}
            filterable={filterable}
            hideCaption={hideCaption}
            pageSize={Number.MAX_SAFE_INTEGER}
            onLoadMore={list.hasMore ? list.loadMore : undefined}
            loadingMore={list.loading}
            loadMoreLabel={list.loading ? t('common.loading') : t('common.loadMore')}
          />
          )
        : !list.error && <DelayedSpinner />}
    </>
  )
}
