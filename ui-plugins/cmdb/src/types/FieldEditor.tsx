import { useId, type ReactNode } from 'react'
import { useT } from '@monozu/ui-sdk'
import { typeLabel } from '../catalog.tsx'
import { FIELD_KINDS, RULES_BY_KIND, type CiType } from '../types.ts'
import type { FieldDraft } from './fieldDraft.ts'
import { typesMessages } from './messages.ts'

/** One custom field's controls; `errors` are keyed by the rule name (`key`, `regex`, ...). */
export function FieldEditor ({ draft, index, types, errors, onChange, onRemove }: {
  draft: FieldDraft
  index: number
  types: CiType[]
  errors: Record<string, string>
  onChange: (patch: Partial<FieldDraft>) => void
  onRemove: () => void
}) {
  const t = useT(typesMessages)
  const id = useId()
  const rules = RULES_BY_KIND[draft.kind]
  const name = draft.label.trim() || draft.key.trim() || t('newField', { n: index + 1 })

  // A labelled control with its error right below it, linked for screen readers.
  const control = (rule: string, label: string, input: (props: { id: string, 'aria-invalid'?: boolean, 'aria-describedby'?: string }) => ReactNode, hint?: string) => {
    const error = errors[rule]
    const describedBy = [hint ? `${id}-${rule}-hint` : '', error ? `${id}-${rule}-error` : ''].filter(Boolean).join(' ') || undefined
    return (
      <div className={`mz-field${error ? ' mz-field--invalid' : ''}`} data-rule={rule}>
        <label className='mz-field__label' htmlFor={`${id}-${rule}`}>{label}</label>
        {input({ id: `${id}-${rule}`, ...(error ? { 'aria-invalid': true } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
        {hint && <p className='mz-field__hint' id={`${id}-${rule}-hint`}>{hint}</p>}
        {error && <p className='mz-field__error' id={`${id}-${rule}-error`}>{error}</p>}
      </div>
    )
  }

  return (
    <fieldset className='cmdb-field-editor'>
      <legend>{t('fieldLegend', { name })}</legend>
      <div className='cmdb-field-editor__grid'>
        {control('label', t('fieldLabel'), p => <input {...p} value={draft.label} maxLength={100} onChange={e => onChange({ label: e.target.value })} />)}
        {control('key', t('fieldKey'), p => <input {...p} value={draft.key} maxLength={40} readOnly={draft.saved} spellCheck={false} className='cmdb-mono' onChange={e => onChange({ key: e.target.value })} />, draft.saved ? t('keyFixed') : t('keyHint'))}
        {control('kind', t('fieldKind'), p => (
          <select {...p} value={draft.kind} disabled={draft.saved} onChange={e => onChange({ kind: e.target.value as FieldDraft['kind'] })}>
            {FIELD_KINDS.map(k => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
          </select>
        ), draft.saved ? t('kindFixed') : undefined)}
        <div className='cmdb-field-editor__check'>
          <label><input type='checkbox' checked={draft.required} onChange={e => onChange({ required: e.target.checked })} /> {t('fieldRequired')}</label>
        </div>
        {rules.includes('regex') && control('regex', t('ruleRegex'), p => <input {...p} value={draft.regex} maxLength={200} spellCheck={false} className='cmdb-mono' placeholder='[A-Z]{2}-[0-9]+' onChange={e => onChange({ regex: e.target.value })} />, t('ruleRegexHint'))}
        {rules.includes('min') && control('min', t(draft.kind === 'integer' ? 'ruleMin' : 'ruleMinLength'), p => <input {...p} type='number' step={1} value={draft.min} onChange={e => onChange({ min: e.target.value })} />)}
        {rules.includes('max') && control('max', t(draft.kind === 'integer' ? 'ruleMax' : 'ruleMaxLength'), p => <input {...p} type='number' step={1} value={draft.max} onChange={e => onChange({ max: e.target.value })} />)}
        {rules.includes('choices') && control('choices', t('ruleChoices'), p => <textarea {...p} rows={4} value={draft.choices} onChange={e => onChange({ choices: e.target.value })} />, t('ruleChoicesHint'))}
        {rules.includes('refType') && control('refType', t('ruleRefType'), p => (
          <select {...p} value={draft.refType} onChange={e => onChange({ refType: e.target.value })}>
            <option value=''>{t('anyType')}</option>
            {types.map(ty => <option key={ty.key} value={ty.key}>{typeLabel(t, ty.key, ty)}</option>)}
          </select>
        ))}
        {control('description', t('fieldDescription'), p => <input {...p} value={draft.description} maxLength={500} onChange={e => onChange({ description: e.target.value })} />)}
      </div>
      <button type='button' className='mz-button mz-button--ghost cmdb-small' onClick={onRemove}>{t('removeField', { name })}</button>
    </fieldset>
  )
}
