import { useMemo, useState, type FormEvent, type ReactElement } from 'react'
import { ApiError, describeError, useApi, useT } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { fieldLabel, typeLabel } from '../catalog.tsx'
import { fieldErrorText } from '../problems.ts'
import { CORE_FIELDS, STATUSES, coreFieldsOf, type Ci, type CiType, type FieldDef } from '../types.ts'
import { CiPicker } from './CiPicker.tsx'
import { bodyOf, coreKinds, draftOf, type Draft } from './draft.ts'
import { ciMessages } from './messages.ts'

/**
 * Creates a CI of `type` (ci = null) or edits one: core fields, then the type's fields, each
 * with the control its kind needs. The server's per-field errors appear next to their fields.
 */
export function CiForm ({ type, ci, onSaved, onCancel }: { type: CiType, ci: Ci | null, onSaved: (ci: Ci) => void, onCancel: () => void }) {
  const t = useT(ciMessages)
  const api = useApi()
  const initial = useMemo(() => (ci ? draftOf(ci, type) : null), [ci, type])
  const [draft, setDraft] = useState<Draft>(() => draftOf(ci, type))
  const [message, setMessage] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)
  const formId = ci ? `cmdb-edit-${ci.id}` : 'cmdb-new-ci'

  const set = (key: string, value: string) => {
    setDraft(d => ({ ...d, [key]: value }))
    setErrors(x => { const next = { ...x }; delete next[key]; return next })
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const checked = bodyOf(draft, initial, type, t)
    setErrors(checked.errors); setProblem(null)
    if (Object.keys(checked.errors).length > 0) return
    if (ci && Object.keys(checked.body).length === 0) { onCancel(); return }
    const body = { ...checked.body, ...(message.trim() ? { message: message.trim() } : {}) }
    setSaving(true)
    try {
      const saved = ci
        ? await api.patch<Ci>(`/api/v1/cmdb/cis/${encodeURIComponent(ci.id)}`, body, { headers: { 'if-match': `"${ci.version}"` } })
        : await api.post<Ci>('/api/v1/cmdb/cis', { type: type.key, ...body })
      onSaved(saved)
    } catch (err) {
      const known = new Set<string>([...CORE_FIELDS, ...type.fields.map(f => f.key)])
      const fields: Record<string, string> = {}
      if (err instanceof ApiError) {
        for (const e of err.errors) {
          const key = (e.pointer ?? '').split('/')[1] ?? ''
          if ((e.in ?? 'body') === 'body' && known.has(key) && !(key in fields)) fields[key] = fieldErrorText(e, key, type.fields.find(f => f.key === key), t)
        }
      }
      setErrors(fields)
      // Whatever is not about one of the fields (a newer version, the network) goes above the buttons.
      if (!(err instanceof ApiError) || Object.keys(fields).length === 0) setProblem(err)
    } finally { setSaving(false) }
  }

  const control = (key: string, def?: FieldDef): ReactElement => {
    const label = fieldLabel(t, key, def)
    const value = draft[key] ?? ''
    const kind = def?.kind ?? coreKinds[key]
    const error = errors[key]
    const required = key === 'name' || def?.required === true
    const common = { name: key, value, onChange: (e: { target: { value: string } }) => set(key, e.target.value) }
    if (kind === 'reference') {
      return <CiPicker key={key} name={key} label={label} value={value} onChange={v => set(key, v)} refType={def?.refType} exclude={ci?.id} error={error} required={required} />
    }
    let input: ReactElement<Record<string, unknown>>
    if (kind === 'status') input = <select {...common}>{STATUSES.map(s => <option key={s} value={s}>{t(`status.${s}`)}</option>)}</select>
    else if (kind === 'select') input = <select {...common}><option value=''>{t('noValue')}</option>{(def?.choices ?? []).map(c => <option key={c} value={c}>{c}</option>)}</select>
    else if (kind === 'boolean') input = <select {...common}><option value=''>{t('noValue')}</option><option value='true'>{t('yes')}</option><option value='false'>{t('no')}</option></select>
    else if (kind === 'textarea') input = <textarea {...common} rows={3} maxLength={2000} />
    else if (kind === 'integer') input = <input {...common} type='number' inputMode='numeric' step={1} min={def?.min} max={def?.max} />
    else if (kind === 'date') input = <input {...common} type='date' />
    else if (kind === 'url') input = <input {...common} type='url' inputMode='url' placeholder='https://' />
    else input = <input {...common} autoComplete='off' spellCheck={key === 'name' || key === 'description' || key === 'site'} />
    const hint = key === 'macs' ? t('macsHint') : def?.description
    return <Field key={key} label={label} error={error} hint={hint} required={required}>{input}</Field>
  }

  const problemText = problem !== null ? describeError(problem, t) : null
  return (
    <form id={formId} className='mz-stack' onSubmit={e => { void submit(e) }} noValidate aria-label={ci ? t('editCi', { name: ci.name }) : t('newCiOf', { type: typeLabel(t, type.key, type) })}>
      <fieldset className='cmdb-form-grid'>
        <legend className='cmdb-legend'>{t('coreFields')}</legend>
        {coreFieldsOf(type.key, ci ?? undefined).map(key => control(key))}
      </fieldset>
      {type.fields.length > 0 && (
        <fieldset className='cmdb-form-grid'>
          <legend className='cmdb-legend'>{t('typeFields')}</legend>
          {type.fields.map(def => control(def.key, def))}
        </fieldset>
      )}
      <Field label={t('changeMessage')} hint={t('changeMessageHint')}>
        <input name='message' value={message} maxLength={500} onChange={e => setMessage(e.target.value)} />
      </Field>
      {problemText && (
        <div className='cmdb-problem' role='alert'>
          {problemText.message}{problemText.code && <span className='mz-muted'> ({t('error.code', { code: problemText.code })})</span>}
        </div>
      )}
      <div className='mz-row'>
        <button type='submit' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('saving') : ci ? t('saveChanges') : t('createCi')}</button>
        <button type='button' className='mz-button' onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  )
}
