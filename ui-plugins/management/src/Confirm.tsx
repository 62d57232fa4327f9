import { useState, type ReactNode } from 'react'
import { useT } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'

/**
 * A confirmation: a modal alert dialog (focus inside, Esc cancels, focus returns) with the
 * question, an optional word to type (the slug before a delete; focus starts there, else on
 * Cancel, never on the action), the action and Cancel.
 */
export function Confirm ({ title, question, action, typed, danger, onConfirm, onCancel }: { title: string, question: ReactNode, action: string, typed?: string, danger?: boolean, onConfirm: () => Promise<void> | void, onCancel: () => void }) {
  const t = useT(messages)
  const [word, setWord] = useState('')
  const [busy, setBusy] = useState(false)
  return (
    <Dialog open role='alertdialog' title={title} onClose={() => { if (!busy) onCancel() }} footer={<>
      <button type='button' className='mz-button' onClick={onCancel} disabled={busy} {...(typed === undefined ? { 'data-autofocus': true } : {})}>{t('cancel')}</button>
      <button type='button' className={`mz-button ${danger ? 'mz-button--danger' : 'mz-button--primary'}`} disabled={busy || (typed !== undefined && word !== typed)}
        onClick={async () => { setBusy(true); try { await onConfirm() } finally { setBusy(false) } }}>{action}</button>
    </>}>
      <p>{question}</p>
      {typed !== undefined && (
        <label className='mz-field'>
          <span>{t('typeToConfirm', { word: typed })}</span>
          <input className='mz-input mgmt-mono' value={word} onChange={e => setWord(e.target.value)} autoComplete='off' spellCheck={false} data-autofocus />
        </label>
      )}
    </Dialog>
  )
}
