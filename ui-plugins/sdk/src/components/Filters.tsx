import { Field } from './Field.tsx'

export interface SelectFilterProps<V extends string> {
  label: string
  /** `''`: not filtered. */
  value: string
  onChange: (value: string) => void
  /** The first choice, which filters nothing ("Any status"). */
  anyLabel: string
  options: readonly V[]
  optionLabel?: (value: V) => string
  id?: string
}

/** A list filter over a fixed set of values, "any" first; it applies as soon as it changes. */
export function SelectFilter<V extends string> ({ label, value, onChange, anyLabel, options, optionLabel, id }: SelectFilterProps<V>) {
  return (
    <Field label={label}>
      <select id={id} className='mz-input' value={value} onChange={e => onChange(e.target.value)}>
        <option value=''>{anyLabel}</option>
        {options.map(o => <option key={o} value={o}>{optionLabel ? optionLabel(o) : o}</option>)}
      </select>
    </Field>
  )
}

export interface TextFilterProps {
  label: string
  value: string
  onChange: (value: string) => void
  placeholder?: string
  maxLength?: number
  id?: string
}

/**
 * A free-text list filter, applied (trimmed) on Enter or when the field is left: a filter is a
 * request, so not one per key. It follows `value` when that changes from outside (back, "clear").
 */
export function TextFilter ({ label, value, onChange, placeholder, maxLength, id }: TextFilterProps) {
  const apply = (text: string) => { if (text.trim() !== value) onChange(text.trim()) }
  return (
    <Field label={label}>
      <input
        id={id} className='mz-input' defaultValue={value} key={value} placeholder={placeholder} maxLength={maxLength}
        onBlur={e => apply(e.target.value)}
        onKeyDown={e => { if (e.key === 'Enter') { e.preventDefault(); apply(e.currentTarget.value) } }}
      />
    </Field>
  )
}
