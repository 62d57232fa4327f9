import { useState } from 'react'
import { EmptyState, describeError, useApi, useT, useToast } from '@monozu/ui-sdk'
import { CursorTable, type Column } from '@monozu/ui-sdk/components'
import { CommandStateBadge } from './badges.tsx'
import { useDuration, When } from './display.tsx'
import { messages } from './messages.ts'
import { OutputDialog } from './OutputDialog.tsx'
import { CANCELLABLE, COMMAND_STATES, type Command } from './types.ts'
import type { CursorList } from '@monozu/ui-sdk/components'

interface Props {
  list: CursorList<Command>
  state: string
  onStateFilter: (state: string) => void
  canWrite: boolean
  onChange: (c: Command) => void
}

/** A device's commands, newest first, with their live state, output and cancel. */
export function CommandHistory ({ list, state, onStateFilter, canWrite, onChange }: Props) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const duration = useDuration()
  const [viewing, setViewing] = useState<Command | null>(null)
  const [cancelling, setCancelling] = useState<string | null>(null)

  const cancel = async (c: Command) => {
    setCancelling(c.id)
    try {
      onChange(await api.post<Command>(`/api/v1/commands/${encodeURIComponent(c.id)}/cancel`))
      toast({ kind: 'success', message: t('commandCancelled', { type: c.type }) })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setCancelling(null) }
  }

  const columns: Column<Command>[] = [
    { key: 'type', header: t('commandType'), render: c => <code className='devices-strong'>{c.type}</code> },
    {
      key: 'state',
      header: t('state'),
      render: c => (
        <span className='devices-nowrap'>
          <CommandStateBadge state={c.state} />
          {c.exitCode != null && c.exitCode !== 0 && <span className='mz-muted devices-small'> {t('exitShort', { code: c.exitCode })}</span>}
        </span>
      )
    },
    { key: 'createdAt', header: t('created'), render: c => <span className='devices-nowrap'><When at={c.createdAt} /></span> },
    { key: 'durationMs', header: t('duration'), align: 'end', render: c => (c.durationMs != null ? <span className='devices-nowrap'>{duration(c.durationMs)}</span> : <span className='mz-muted' aria-hidden='true'>–</span>) },
    {
      key: 'actions',
      header: t('actions'),
      sortable: false,
      render: c => (
        <div className='devices-actions'>
          <button type='button' className='mz-button mz-button--ghost' onClick={() => setViewing(c)} aria-label={t('viewCommandOf', { type: c.type })}>{t('view')}</button>
          {canWrite && CANCELLABLE.includes(c.state) && (
            <button type='button' className='mz-button' onClick={() => { void cancel(c) }} disabled={cancelling === c.id} aria-label={t('cancelCommandOf', { type: c.type })}>{t('cancelCommand')}</button>
          )}
        </div>
      )
    }
  ]
  // The dialog follows live changes of the command it shows.
  const shown = viewing && (list.items.find(c => c.id === viewing.id) ?? viewing)

  return (
    <section className='mz-card devices-flush' aria-labelledby='devices-history-title'>
      <div className='devices-card-header'>
        <h2 id='devices-history-title' className='mz-card__title'>{t('commandHistory')}</h2>
        <div className='devices-inline-field'>
          <label htmlFor='devices-command-state'>{t('state')}</label>
          <select id='devices-command-state' className='mz-input' value={state} onChange={e => onStateFilter(e.target.value)}>
            <option value=''>{t('anyState')}</option>
            {COMMAND_STATES.map(s => <option key={s} value={s}>{t(`commandState.${s}`)}</option>)}
          </select>
        </div>
      </div>
      <CursorTable list={list} caption={t('commandHistory')} columns={columns} rowKey={c => c.id}
        empty={<EmptyState title={state ? t('noCommandsInState') : t('noCommands')}>{!state && canWrite ? t('noCommandsHint') : undefined}</EmptyState>}
      />
      <OutputDialog command={shown} onClose={() => setViewing(null)} />
    </section>
  )
}
