import { DelayedSpinner, ErrorState, useApiData, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { StatusBadge } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import { SectionNav } from './shared.tsx'
import type { FeedStatus } from './types.ts'

export function Feeds ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const data = useApiData<FeedStatus>('/api/v1/security/feeds')
  return (
    <div className='sec-page'>
      <h1>{t('feedTitle')}</h1>
      <SectionNav basePath={basePath} />
      {data.error && <ErrorState error={data.error} onRetry={data.reload} />}
      {!data.data && !data.error && <DelayedSpinner />}
      {data.data && (
        <>
          <p>{t('advisories', { n: fmt.number(data.data.advisories) })}</p>
          <table className='mz-table'>
            <caption className='mz-visually-hidden'>{t('feedTitle')}</caption>
            <thead><tr><th scope='col'>{t('feed')}</th><th scope='col'>{t('status')}</th><th scope='col'>{t('lastSuccess')}</th><th scope='col'>{t('items')}</th><th scope='col'>{t('lastChanged')}</th><th scope='col'>{t('error')}</th></tr></thead>
            <tbody>
              {data.data.items.map(f => (
                <tr key={f.feed}>
                  <td>{f.feed}</td>
                  <td><StatusBadge status={f.status === 'idle' ? 'ok' : f.status} /></td>
                  <td>{f.lastSuccessAt ? fmt.dateTime(f.lastSuccessAt) : t('never')}</td>
                  <td>{fmt.number(f.items)}</td>
                  <td>{fmt.number(f.lastChanged)}</td>
                  <td>{f.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  )
}
