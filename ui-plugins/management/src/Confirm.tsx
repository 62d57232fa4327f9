import { useState, type ReactNode } from 'react'
import { useT } from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/** An inline confirmation: the question, an optional typed word, Confirm and Cancel. */
export function Confirm ({ question, typed, danger, onConfirm, onCancel }: { question: ReactNode, typed?: string, danger?: boolean, onConfirm: () => Promise<void> | void, onCancel: () => void }) {
  const t = useT(messages)
  const [word, setWord] = useState('')
  const [busy, setBusy] = useState(false)
  return (
    <div className='mz-card mgmt-confirm' role='alertdialog' aria-label={t('confirm')}>
      <p>{question}</p>
      {typed !== undefined && (
        <label className='mz-field'>
          <span>{t('slug')}</span>
          <input className='mz-input' value={word} onChange={e => setWord(e.target.value)} autoFocus />
        </label>
      )}
      <div className='mz-row'>
        <button type='button' className={`mz-button ${danger ? 'mz-button--danger' : 'mz-button--primary'}`} disabled={busy || (typed !== undefined && word !== typed)}
          onClick={async () => { setBusy(true); try { await onConfirm() } finally { setBusy(false) } }}>{t('confirm')}</button>
        <button type='button' className='mz-button' onClick={onCancel}>{t('cancel')}</button>
      </div>
    </div>
  )
}
