import { useState, type FormEvent } from 'react'
import { useT, useToast } from '@monozu/ui-sdk'
import { Dialog, Field } from '@monozu/ui-sdk/components'
import { noFilters, sameFilters, type Filters } from './filters.ts'
import { messages } from './messages.ts'
import { useSavedViews } from './views.ts'

/** Pick, save and delete named filter sets. The current view is the one whose filters are on screen. */
export function SavedViews ({ filters, onPick }: { filters: Filters, onPick: (filters: Filters) => void }) {
  const t = useT(messages)
  const toast = useToast()
  const { views, save, remove } = useSavedViews()
  const [saving, setSaving] = useState(false)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const current = views.find(v => sameFilters(v.filters, filters))

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) { setError(t('viewNameRequired')); return }
    if (trimmed.length > 60) { setError(t('tooLong', { max: 60 })); return }
    save(trimmed, filters)
    toast({ kind: 'success', message: t('viewSaved', { name: trimmed }) })
    setSaving(false)
  }

  return (
    <div className='cmdb-views'>
      <label className='cmdb-inline-field'>
        <span>{t('savedView')}</span>
        <select className='mz-input' value={current?.id ?? ''} onChange={e => {
          const view = views.find(v => v.id === e.target.value)
          onPick(view ? { ...noFilters, ...view.filters } : noFilters)
        }}>
          <option value=''>{views.length === 0 ? t('noSavedViews') : t('chooseView')}</option>
          {views.map(v => <option key={v.id} value={v.id}>{v.name}</option>)}
        </select>
      </label>
      <button type='button' className='mz-button' onClick={() => { setName(current?.name ?? ''); setError(null); setSaving(true) }}>{t('saveView')}</button>
      {current && (
        <button type='button' className='mz-button mz-button--ghost' onClick={() => { remove(current.id); toast({ kind: 'success', message: t('viewDeleted', { name: current.name }) }) }}>
          {t('deleteView', { name: current.name })}
        </button>
      )}
      <Dialog
        open={saving}
        onClose={() => setSaving(false)}
        title={t('saveView')}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setSaving(false)}>{t('common.cancel')}</button>
          <button type='submit' form='cmdb-view-form' className='mz-button mz-button--primary'>{t('common.save')}</button>
        </>}
      >
        <form id='cmdb-view-form' className='mz-stack' onSubmit={submit} noValidate>
          <Field label={t('viewName')} error={error} hint={t('viewNameHint')} required>
            <input name='name' value={name} maxLength={60} data-autofocus onChange={e => { setName(e.target.value); setError(null) }} />
          </Field>
        </form>
      </Dialog>
    </div>
  )
}
