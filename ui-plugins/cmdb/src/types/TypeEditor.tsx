import { useState, type FormEvent } from 'react'
import { ApiError, describeError, useApi, useHasPermission, useT, useToast, type T } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { fieldLabel, typeLabel, useCatalog } from '../catalog.tsx'
import type { CiType, FieldDef } from '../types.ts'
import { FieldEditor } from './FieldEditor.tsx'
import { emptyDraft, toDefs, toDraft, type FieldDraft } from './fieldDraft.ts'
import { typesMessages } from './messages.ts'

/** Errors by pointer (`/fields/2/regex`, `/label`), as the server reports them. */
function pointerErrors (err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (err instanceof ApiError) for (const e of err.errors) if (e.pointer && !(e.pointer in out)) out[e.pointer] = e.message
  return out
}

/** One type: its built-in fields (read only), its custom fields and, for a tenant type, its name. */
export function TypeEditor ({ type, onDeleted }: { type: CiType, onDeleted: () => void }) {
  const t = useT(typesMessages)
  const api = useApi()
  const toast = useToast()
  const admin = useHasPermission('cmdb.admin')
  const { types, reload } = useCatalog()
  const builtin = type.fields.filter(f => f.builtin)
  const custom = type.fields.filter(f => !f.builtin)
  const [drafts, setDrafts] = useState<FieldDraft[]>(() => custom.map(toDraft))
  const [label, setLabel] = useState(type.label)
  const [description, setDescription] = useState(type.description ?? '')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [confirm, setConfirm] = useState<{ removed: FieldDef[], body: Record<string, unknown> } | null>(null)
  const [deleting, setDeleting] = useState(false)

  const change = (i: number, patch: Partial<FieldDraft>) => {
    setDrafts(list => list.map((d, j) => (j === i ? { ...d, ...patch } : d)))
    setErrors(x => Object.fromEntries(Object.entries(x).filter(([p]) => !p.startsWith(`/fields/${i}/`))))
  }

  const save = async (body: Record<string, unknown>) => {
    setSaving(true); setConfirm(null)
    try {
      const saved = await api.patch<CiType & { cleared: number }>(`/api/v1/cmdb/types/${encodeURIComponent(type.key)}`, body)
      toast({ kind: 'success', message: saved.cleared > 0 ? t('typeSavedCleared', { count: saved.cleared }) : t('typeSaved') })
      setDrafts(saved.fields.filter(f => !f.builtin).map(toDraft))
      reload()
    } catch (err) {
      const byPointer = pointerErrors(err)
      setErrors(byPointer)
      if (Object.keys(byPointer).length === 0) setProblem(describeError(err, t).message)
      else setProblem(t('fixFields'))
    } finally { setSaving(false) }
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setProblem(null)
    const checked = toDefs(drafts, new Set(builtin.map(f => f.key)), t)
    const own: Record<string, string> = { ...checked.errors }
    if (!type.builtin && !label.trim()) own['/label'] = t('labelRequired')
    setErrors(own)
    if (Object.keys(own).length > 0) { setProblem(t('fixFields')); return }
    const body: Record<string, unknown> = { fields: checked.defs }
    if (!type.builtin) Object.assign(body, { label: label.trim(), description: description.trim() || null })
    const removed = custom.filter(f => !checked.defs.some(d => d.key === f.key))
    if (removed.length > 0) setConfirm({ removed, body })
    else void save(body)
  }

  const remove = async () => {
    try {
      await api.del(`/api/v1/cmdb/types/${encodeURIComponent(type.key)}`)
      toast({ kind: 'success', message: t('typeDeleted', { name: type.label }) })
      reload()
      onDeleted()
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setDeleting(false) }
  }

  const name = typeLabel(t, type.key, type)
  return (
    <section className='mz-card mz-stack' aria-labelledby='cmdb-type-title'>
      <div className='cmdb-card-header'>
        <h2 id='cmdb-type-title' className='cmdb-type-title'>{name} <code className='mz-muted cmdb-small'>{type.key}</code></h2>
        {type.builtin ? <span className='mz-badge mz-badge--neutral'>{t('builtinType')}</span> : <span className='mz-badge mz-badge--info'>{t('customType')}</span>}
      </div>
      {type.description && <p className='mz-muted'>{type.builtin && t.has(`typeHint.${type.key}`) ? t(`typeHint.${type.key}`) : type.description}</p>}

      {builtin.length > 0 && (
        <div className='mz-table__scroll'>
          <table className='cmdb-fields'>
            <caption className='cmdb-caption'>{t('builtinFields')}</caption>
            <thead><tr><th scope='col'>{t('fieldLabel')}</th><th scope='col'>{t('fieldKey')}</th><th scope='col'>{t('fieldKind')}</th><th scope='col'>{t('rules')}</th></tr></thead>
            <tbody>
              {builtin.map(f => (
                <tr key={f.key}>
                  <th scope='row'>{fieldLabel(t, f.key, f)}</th>
                  <td><code>{f.key}</code></td>
                  <td>{t(`kind.${f.kind}`)}</td>
                  <td className='cmdb-small cmdb-rules'>{describeRules(f, t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {!admin
        ? (
          <>
            <h3 className='cmdb-h3'>{t('customFields')}</h3>
            {custom.length === 0
              ? <p className='mz-muted'>{t('noCustomFields')}</p>
              : <ul className='cmdb-plain-list'>{custom.map(f => <li key={f.key}><span className='cmdb-strong'>{f.label}</span> <code>{f.key}</code> · {t(`kind.${f.kind}`)} {describeRules(f, t) && `· ${describeRules(f, t)}`}</li>)}</ul>}
            <p className='mz-muted cmdb-small'>{t('adminsOnly')}</p>
          </>
          )
        : (
          <form className='mz-stack' onSubmit={submit} noValidate aria-label={t('editType', { name })}>
            {!type.builtin && (
              <div className='cmdb-form-grid'>
                <div className={`mz-field${errors['/label'] ? ' mz-field--invalid' : ''}`}>
                  <label className='mz-field__label' htmlFor='cmdb-type-label'>{t('typeLabel')}</label>
                  <input id='cmdb-type-label' className='mz-input' value={label} maxLength={100} aria-invalid={errors['/label'] ? true : undefined} onChange={e => setLabel(e.target.value)} />
                  {errors['/label'] && <p className='mz-field__error'>{errors['/label']}</p>}
                </div>
                <div className='mz-field'>
                  <label className='mz-field__label' htmlFor='cmdb-type-description'>{t('typeDescription')}</label>
                  <input id='cmdb-type-description' className='mz-input' value={description} maxLength={500} onChange={e => setDescription(e.target.value)} />
                </div>
              </div>
            )}
            <h3 className='cmdb-h3'>{t('customFields')}</h3>
            {drafts.length === 0 && <p className='mz-muted'>{t('noCustomFields')}</p>}
            {drafts.map((d, i) => (
              <FieldEditor key={d.uid} draft={d} index={i} types={types}
                errors={Object.fromEntries(Object.entries(errors).filter(([p]) => p.startsWith(`/fields/${i}/`)).map(([p, m]) => [p.split('/')[3] ?? '', m]))}
                onChange={patch => change(i, patch)}
                onRemove={() => { setDrafts(list => list.filter((_, j) => j !== i)); setErrors({}) }} />
            ))}
            <div>
              <button type='button' className='mz-button' onClick={() => setDrafts(list => [...list, emptyDraft()])}>{t('addField')}</button>
            </div>
            {problem && <p className='cmdb-problem' role='alert'>{problem}</p>}
            <div className='mz-row'>
              <button type='submit' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('saving') : t('saveType')}</button>
              <button type='button' className='mz-button' disabled={saving} onClick={() => { setDrafts(custom.map(toDraft)); setLabel(type.label); setDescription(type.description ?? ''); setErrors({}); setProblem(null) }}>{t('discard')}</button>
              {!type.builtin && <button type='button' className='mz-button mz-button--ghost' onClick={() => setDeleting(true)}>{t('deleteType')}</button>}
            </div>
          </form>
          )}

      <Dialog open={confirm !== null} role='alertdialog' onClose={() => setConfirm(null)} title={t('removeFieldsTitle')}
        footer={<>
          <button type='button' className='mz-button' data-autofocus onClick={() => setConfirm(null)}>{t('common.cancel')}</button>
          <button type='button' className='mz-button mz-button--danger' onClick={() => { if (confirm) void save(confirm.body) }}>{t('removeAndSave')}</button>
        </>}>
        <p>{t('removeFieldsWarning')}</p>
        <ul>{confirm?.removed.map(f => <li key={f.key}>{f.label} <code>{f.key}</code></li>)}</ul>
      </Dialog>
      <Dialog open={deleting} role='alertdialog' onClose={() => setDeleting(false)} title={t('deleteTypeConfirm', { name })}
        footer={<>
          <button type='button' className='mz-button' data-autofocus onClick={() => setDeleting(false)}>{t('common.cancel')}</button>
          <button type='button' className='mz-button mz-button--danger' onClick={() => { void remove() }}>{t('deleteType')}</button>
        </>}>
        <p>{t('deleteTypeWarning')}</p>
      </Dialog>
    </section>
  )
}

/** "required · 1–4096 · /R[0-9]+/" for a definition. */
function describeRules (f: FieldDef, t: T): string {
  const parts: string[] = []
  if (f.required) parts.push(t('ruleIsRequired'))
  const range = f.min !== undefined && f.max !== undefined ? 'Both' : f.min !== undefined ? 'Min' : f.max !== undefined ? 'Max' : null
  if (range) parts.push(t(`${f.kind === 'integer' ? 'range' : 'length'}${range}`, { min: f.min ?? 0, max: f.max ?? 0 }))
  if (f.regex) parts.push(t('pattern', { regex: f.regex }))
  if (f.choices) parts.push(f.choices.join(', '))
  if (f.refType) parts.push(t('refersTo', { type: typeLabel(t, f.refType) }))
  return parts.join(' · ')
}
