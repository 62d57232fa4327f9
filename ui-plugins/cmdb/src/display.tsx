import { Link, joinPath, useApiData, useFormat, useT } from '@monozu/ui-sdk'
import { RelativeTime } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { FieldDef } from './types.ts'

/** A moment as relative time ("3 minutes ago"), the exact date on hover and for machines. */
export function When ({ at }: { at: string | null | undefined }) {
  return at ? <RelativeTime at={at} /> : <Dash />
}

export function Dash () {
  return <span className='mz-muted' aria-label='–'>–</span>
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

/** One field value as people read it: links for URLs and referenced CIs, yes/no, dates. */
export function FieldValue ({ value, def, basePath }: { value: unknown, def?: FieldDef, basePath: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  if (isEmpty(value)) return <Dash />
  if (Array.isArray(value)) return <ul className='cmdb-chips'>{value.map(v => <li key={String(v)}><code>{String(v)}</code></li>)}</ul>
  if (typeof value === 'boolean') return <>{value ? t('yes') : t('no')}</>
  if (typeof value === 'number') return <>{fmt.number(value)}</>
  const text = String(value)
  if (def?.kind === 'url' && /^https?:\/\//i.test(text)) return <a href={text} target='_blank' rel='noopener noreferrer'>{text}</a>
  if (def?.kind === 'reference') return <CiLink id={text} basePath={basePath} />
  if (def?.kind === 'date') return <time dateTime={text}>{fmt.day(text)}</time>
  return <span className='cmdb-value'>{text}</span>
}

/** Any value in a compact form for diffs (history, import plan). */
export function plain (value: unknown): string {
  if (isEmpty(value)) return '–'
  if (Array.isArray(value)) return value.join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A link to a CI known only by its id: shows its name once read (a deleted one shows its id). */
export function CiLink ({ id, basePath }: { id: string, basePath: string }) {
  const ci = useApiData<{ name: string }>(`/api/v1/cmdb/cis/${encodeURIComponent(id)}`)
  return <Link to={joinPath(basePath, `/ci/${encodeURIComponent(id)}`)}>{ci.data?.name ?? <code>{id.slice(0, 8)}…</code>}</Link>
}
