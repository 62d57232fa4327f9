import { useId, useMemo, useState, type ReactNode } from 'react'
import { useT, EmptyState } from '@monozu/ui-sdk'

type Sortable = string | number | Date | boolean | null | undefined

export interface Column<T> {
  key: string
  header: string
  /** Cell content (default: `row[key]`). */
  render?: (row: T) => ReactNode
  /** Value to sort by (default: `row[key]`); `sortable: false` turns sorting off. */
  sortValue?: (row: T) => Sortable
  sortable?: boolean
  /** Text the filter searches (default: `row[key]` as text). */
  filterValue?: (row: T) => string
  align?: 'start' | 'end'
}

export interface DataTableProps<T> {
  rows: T[]
  columns: Column<T>[]
  rowKey: (row: T) => string
  /** Accessible name of the table (shown as its caption). */
  caption: string
  /** Hide the caption visually (it is still read out). */
  hideCaption?: boolean
  pageSize?: number
  filterable?: boolean
  initialSort?: { key: string, direction: 'asc' | 'desc' }
  empty?: ReactNode
  toolbar?: ReactNode
  /** A mouse shortcut only: also render a Link in one cell so keyboard users can open the row. */
  onRowClick?: (row: T) => void
  /** Cursor lists: shows "load more" below the table when set. */
  onLoadMore?: () => void
  loadMoreLabel?: string
  /** A page is on its way: "load more" waits, so one cursor is never read twice. */
  loadingMore?: boolean
}

function valueOf (row: unknown, key: string): unknown {
  return row && typeof row === 'object' ? (row as Record<string, unknown>)[key] : undefined
}

function compare (a: Sortable, b: Sortable): number {
  if (a == null && b == null) return 0
  if (a == null) return 1
  if (b == null) return -1
  const x = a instanceof Date ? a.getTime() : a
  const y = b instanceof Date ? b.getTime() : b
  if (typeof x === 'number' && typeof y === 'number') return x - y
  return String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: 'base' })
}

/** A table with a text filter, sortable columns (aria-sort) and paging, all on the client. */
export function DataTable<T> ({ rows, columns, rowKey, caption, hideCaption, pageSize = 10, filterable = true, initialSort, empty, toolbar, onRowClick, onLoadMore, loadMoreLabel, loadingMore }: DataTableProps<T>) {
  const t = useT()
  const filterId = useId()
  const [filter, setFilter] = useState('')
  const [sort, setSort] = useState(initialSort)
  const [page, setPage] = useState(0)

  const filtered = useMemo(() => {
    const q = filter.trim().toLocaleLowerCase()
    if (!q) return rows
    return rows.filter(row => columns.some(c => {
      const text = c.filterValue ? c.filterValue(row) : valueOf(row, c.key)
      return text != null && String(text).toLocaleLowerCase().includes(q)
    }))
  }, [rows, columns, filter])

  const sorted = useMemo(() => {
    const column = sort && columns.find(c => c.key === sort.key)
    if (!sort || !column) return filtered
    const get = column.sortValue ?? ((row: T) => valueOf(row, column.key) as Sortable)
    const dir = sort.direction === 'asc' ? 1 : -1
    return [...filtered].sort((a, b) => dir * compare(get(a), get(b)))
  }, [filtered, sort, columns])

  const pages = Math.max(1, Math.ceil(sorted.length / pageSize))
  const current = Math.min(page, pages - 1)
  const visible = sorted.slice(current * pageSize, current * pageSize + pageSize)

  const toggleSort = (key: string) => {
    setSort(s => (s?.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: 'asc' }))
    setPage(0)
  }

  return (
    <div className='mz-table'>
      {(filterable || toolbar) && (
        <div className='mz-table__toolbar'>
          {filterable && (
            <div className='mz-table__filter'>
              <label className='mz-visually-hidden' htmlFor={filterId}>{t('common.filter')}</label>
              <input id={filterId} type='search' className='mz-input' placeholder={t('common.filter')} value={filter} onChange={e => { setFilter(e.target.value); setPage(0) }} />
            </div>
          )}
          {toolbar}
        </div>
      )}
      <div className='mz-table__scroll'>
        <table>
          <caption className={hideCaption ? 'mz-visually-hidden' : undefined}>{caption}</caption>
          <thead>
            <tr>
              {columns.map(c => {
                const sortable = c.sortable !== false
                const direction = sort?.key === c.key ? sort.direction : undefined
                return (
                  <th key={c.key} scope='col' className={c.align === 'end' ? 'mz-align-end' : undefined} aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}>
                    {sortable
                      ? (
                        <button type='button' className='mz-table__sort' onClick={() => toggleSort(c.key)} title={t('table.sortBy', { column: c.header })}>
                          {c.header}<span aria-hidden='true' className='mz-table__sort-icon'>{direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : '↕'}</span>
                        </button>
                        )
                      : c.header}
                  </th>
                )
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map(row => (
              <tr key={rowKey(row)} className={onRowClick ? 'mz-table__row--clickable' : undefined} onClick={onRowClick ? () => onRowClick(row) : undefined}>
                {columns.map(c => (
                  <td key={c.key} className={c.align === 'end' ? 'mz-align-end' : undefined}>{c.render ? c.render(row) : String(valueOf(row, c.key) ?? '')}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {visible.length === 0 && (filter ? <EmptyState title={t('common.noMatches', { filter })} /> : (empty ?? <EmptyState title={t('common.empty')} />))}
      <nav className='mz-table__pager' aria-label={t('table.pagination')}>
        <span className='mz-table__count'>{t('table.rows', { count: sorted.length })}</span>
        {pages > 1 && (
          <>
            <button type='button' className='mz-button mz-button--ghost' aria-label={t('table.previous')} onClick={() => setPage(current - 1)} disabled={current === 0}>‹</button>
            <span aria-live='polite'>{t('table.page', { page: current + 1, pages })}</span>
            <button type='button' className='mz-button mz-button--ghost' aria-label={t('table.next')} onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>›</button>
          </>
        )}
        {onLoadMore && <button type='button' className='mz-button' onClick={onLoadMore} disabled={loadingMore}>{loadMoreLabel ?? '…'}</button>}
      </nav>
    </div>
  )
}
