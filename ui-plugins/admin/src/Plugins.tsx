import { DelayedSpinner, ErrorState, useApiData, useT } from '@monozu/ui-sdk'
import { DataTable, type Column, type Page } from '@monozu/ui-sdk/components'
import { PluginStateBadge } from './badges.tsx'
import { messages } from './messages.ts'
import type { PluginHealth } from './types.ts'

/** Installed plugins in load order: version and state, and why a disabled one stopped. */
export function Plugins () {
  const t = useT(messages)
  const { data, error, reload } = useApiData<Page<PluginHealth>>('/api/v1/admin/plugins')
  if (error && !data) return <ErrorState error={error} onRetry={reload} />
  if (!data) return <DelayedSpinner />
  const plugins = data.items
  const disabled = plugins.filter(p => p.state !== 'running')

  const columns: Column<PluginHealth>[] = [
    { key: 'name', header: t('name'), sortValue: p => t.pick(p.name), filterValue: p => `${t.pick(p.name)} ${p.id}`, render: p => <><span className='admin-strong'>{t.pick(p.name)}</span> <span className='admin-mono admin-muted'>{p.id}</span></> },
    { key: 'version', header: t('version'), render: p => <span className='admin-mono'>{p.version}</span> },
    { key: 'state', header: t('state'), render: p => <PluginStateBadge state={p.state} /> },
    { key: 'feature', header: t('feature'), render: p => (p.feature ? <span className='admin-mono'>{p.feature}</span> : <span className='admin-muted'>{t('alwaysOn')}</span>) },
    { key: 'thirdParty', header: t('origin'), render: p => t(p.thirdParty ? 'thirdParty' : 'firstParty') },
    { key: 'kernel', header: t('kernelRange'), render: p => <span className='admin-mono'>{p.kernel}</span> }
  ]

  return (
    <div className='mz-stack admin'>
      <div className='mz-page-header'>
        <h1>{t('pluginsTitle')}</h1>
        <p className='admin-muted' role='status'>{t('running', { n: plugins.length - disabled.length })} · {t('disabled', { n: disabled.length })}</p>
      </div>
      <section className='mz-card' aria-labelledby='admin-disabled'>
        <h2 id='admin-disabled' className='mz-card__title'>{t('disabledPlugins')}</h2>
        {disabled.length === 0
          ? <p className='admin-muted'>{t('allHealthy')}</p>
          : (
            <ul className='admin-failures'>
              {disabled.map(p => (
                <li key={p.id}>
                  <span className='admin-strong'>{t.pick(p.name)}</span> <span className='admin-mono'>{p.id} {p.version}</span>
                  <p className='admin-error-text'>{t('error')}: {p.error ?? p.reason}</p>
                </li>
              ))}
            </ul>
            )}
      </section>
      <DataTable caption={t('pluginsTitle')} hideCaption rows={plugins} columns={columns} rowKey={p => p.id} pageSize={200} />
    </div>
  )
}
