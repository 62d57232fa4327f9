import { DelayedSpinner, ErrorState, Link, defineMessages, useApiData, useFormat, useT, type WidgetProps } from '@monozu/ui-sdk'
import { BarChart, defineWidgets } from '@monozu/ui-sdk/components'
import { typeLabel } from './catalog.tsx'
import { messages as cmdbMessages } from './messages.ts'

/** GET /api/v1/cmdb/counts */
interface Counts { items: Array<{ type: string, label: string, builtin: boolean, count: number }>, total: number }

const messages = defineMessages({
  en: { chart: 'Configuration items by type', axis: 'Number of CIs', none: 'No configuration items yet.', all: 'All CIs ({count})', more: 'Other types' },
  pl: { chart: 'Elementy konfiguracji według typu', axis: 'Liczba CI', none: 'Nie ma jeszcze elementów konfiguracji.', all: 'Wszystkie CI ({count})', more: 'Pozostałe typy' }
})

const SHOWN = 6

/** The CMDB's size: CIs per type, the largest types first, the rest summed. */
function CisByType ({ basePath }: WidgetProps) {
  const t = useT(messages)
  const tc = useT(cmdbMessages)
  const fmt = useFormat()
  const { data, error, reload } = useApiData<Counts>('/api/v1/cmdb/counts')
  if (error) return <ErrorState error={error} onRetry={reload} />
  if (!data) return <DelayedSpinner />
  if (data.total === 0) return <p className='mz-muted'>{t('none')}</p>
  const used = data.items.filter(i => i.count > 0)
  const rest = used.slice(SHOWN).reduce((sum, i) => sum + i.count, 0)
  const bars = used.slice(0, SHOWN).map(i => ({ label: typeLabel(tc, i.type, { key: i.type, label: i.label, builtin: i.builtin, description: null, fields: [] }), value: i.count }))
  return (
    <div className='mz-stack'>
      <p className='mz-stat' data-testid='cmdb-total'>{fmt.number(data.total)}</p>
      <BarChart title={t('chart')} valueLabel={t('axis')} bars={rest > 0 ? [...bars, { label: t('more'), value: rest, tone: 'neutral' }] : bars} />
      <Link to={basePath}>{t('all', { count: fmt.number(data.total) })}</Link>
    </div>
  )
}

export default defineWidgets([
  { id: 'types', title: { en: 'Configuration items', pl: 'Elementy konfiguracji' }, permission: 'cmdb.read', component: CisByType }
])
