import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react'
import { useT } from '@monozu/ui-sdk'

export interface FieldProps {
  label: ReactNode
  /** The validation message; marks the control aria-invalid and links it with aria-describedby. */
  error?: string | null | false
  hint?: ReactNode
  required?: boolean
  /** One control (input, select, textarea): it gets the id, aria-invalid, aria-describedby and required. */
  children: ReactElement<Record<string, unknown>>
  className?: string
}

/**
 * A labelled form control with its hint and validation message.
 * `<Field label={t('email')} error={errors.email}><input name='email' type='email' /></Field>`
 */
export function Field ({ label, error, hint, required, children, className }: FieldProps) {
  const t = useT()
  const auto = useId()
  const props = isValidElement(children) ? children.props : {}
  const id = typeof props.id === 'string' ? props.id : auto
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [props['aria-describedby'], hintId, errorId].filter(Boolean).join(' ') || undefined
  const control = isValidElement(children)
    ? cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, required: required ?? props.required })
    : children
  return (
    <div className={`mz-field${error ? ' mz-field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className='mz-field__label' htmlFor={id}>
        {label}
        {required && <span className='mz-field__required' aria-hidden='true'> *</span>}
        {required && <span className='mz-visually-hidden'> ({t('field.required')})</span>}
      </label>
      {control}
      {hint && <p className='mz-field__hint' id={hintId}>{hint}</p>}
      {error && <p className='mz-field__error' id={errorId}>{error}</p>}
    </div>
  )
}
