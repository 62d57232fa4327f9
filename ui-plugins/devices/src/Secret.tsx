import { useEffect, useId, useRef, useState } from 'react'
import { useT } from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/**
 * A value shown once (a token, a key, a command with a token in it): read-only, selected on
 * focus, with a copy button that says when it worked.
 */
export function Secret ({ label, value, testId }: { label: string, value: string, testId?: string }) {
  const t = useT(messages)
  const id = useId()
  const ref = useRef<HTMLTextAreaElement>(null)
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])

  const copy = async () => {
    let ok = false
    try {
      await navigator.clipboard.writeText(value)
      ok = true
    } catch {
      // No clipboard API (plain http on a non-local host) or no permission: the old way.
      ref.current?.select()
      try { ok = document.execCommand('copy') } catch { ok = false }
    }
    setCopied(ok ? 'yes' : 'no')
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setCopied(null), 4000)
  }

  // A textarea even for one line: long values wrap instead of hiding their end (wrapping is only visual).
  const rows = Math.min(10, value.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 64)), 0))
  return (
    <div className='devices-secret'>
      <div className='devices-secret__head'>
        <label className='mz-field__label' htmlFor={id}>{label}</label>
        <span className='devices-secret__status' role='status'>{copied === 'yes' ? t('copied') : copied === 'no' ? t('copyFailed') : ''}</span>
      </div>
      <div className='devices-secret__row'>
        <textarea
          id={id}
          ref={ref}
          value={value}
          readOnly
          spellCheck={false}
          rows={rows}
          className='mz-input devices-secret__value'
          onFocus={() => ref.current?.select()}
          data-testid={testId}
        />
        <button type='button' className='mz-button' onClick={() => { void copy() }}>{t('copy')}</button>
      </div>
    </div>
  )
}
