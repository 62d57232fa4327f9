import { useRef, useState, type FormEvent } from 'react'
import { ApiError, describeError, fieldErrors, useApi, useT, useToast, type T } from '@monozu/ui-sdk'
import { Field } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { Command } from './types.ts'

const TYPE = /^[a-z][a-z0-9_.-]{0,63}$/
const MAX_PAYLOAD = 64 * 1024
/** Suggestions only: a device decides which types it understands. */
const SUGGESTED = ['ping', 'reboot', 'agent.update', 'config.reload', 'diagnostics.collect', 'shell.exec']

export interface CommandDraft { type: string, payload: string, ttlSeconds: string, timeoutSeconds: string }
type Errors = Partial<Record<keyof CommandDraft, string>>
const FIELDS: ReadonlyArray<keyof CommandDraft> = ['type', 'payload', 'ttlSeconds', 'timeoutSeconds']

/** randomUUID needs a secure context; a dev host on plain http is not one. */
function newKey (): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')
}

function whole (value: string, min: number, max: number): number | null {
  const n = Number(value)
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null
}

/** Checks a draft the way the API will, so most mistakes never leave the browser. */
export function validateCommand (d: CommandDraft, t: T): { errors: Errors, body?: Record<string, unknown> } {
  const errors: Errors = {}
  if (!d.type.trim()) errors.type = t('typeRequired')
  else if (!TYPE.test(d.type.trim())) errors.type = t('typeInvalid')
  let payload: unknown
  if (d.payload.trim()) {
    try {
      payload = JSON.parse(d.payload)
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) errors.payload = t('payloadNotObject')
      else if (new TextEncoder().encode(JSON.stringify(payload)).length > MAX_PAYLOAD) errors.payload = t('payloadTooLarge')
    } catch (err) {
      errors.payload = t('payloadInvalidJson', { detail: (err as Error).message })
    }
  }
  const ttl = whole(d.ttlSeconds, 1, 604_800)
  if (ttl === null) errors.ttlSeconds = t('rangeInvalid', { min: 1, max: 604_800 })
  const timeout = whole(d.timeoutSeconds, 1, 86_400)
  if (timeout === null) errors.timeoutSeconds = t('rangeInvalid', { min: 1, max: 86_400 })
  if (Object.keys(errors).length) return { errors }
  return { errors, body: { type: d.type.trim(), ...(payload ? { payload } : {}), ttlSeconds: ttl, timeoutSeconds: timeout } }
}

/** Sends a command to one device (devices.write). */
export function CommandForm ({ deviceId, disabled, onCreated }: { deviceId: string, disabled?: boolean, onCreated: (c: Command) => void }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const [draft, setDraft] = useState<CommandDraft>({ type: '', payload: '', ttlSeconds: '3600', timeoutSeconds: '300' })
  const [errors, setErrors] = useState<Errors>({})
  const [problem, setProblem] = useState<unknown>(null)
  const [sending, setSending] = useState(false)
  // One key per draft: sending the same draft again (a retry after a lost answer) cannot queue it twice.
  const idempotencyKey = useRef(newKey())

  const change = (field: keyof CommandDraft) => (e: { target: { value: string } }) => {
    setDraft(d => ({ ...d, [field]: e.target.value }))
    setErrors(x => ({ ...x, [field]: undefined }))
    idempotencyKey.current = newKey()
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const checked = validateCommand(draft, t)
    setErrors(checked.errors)
    setProblem(null)
    if (!checked.body) return
    setSending(true)
    try {
      const command = await api.post<Command>('/api/v1/commands', { deviceId, ...checked.body, idempotencyKey: idempotencyKey.current })
      idempotencyKey.current = newKey()
      onCreated(command)
      toast({ kind: 'success', message: t('commandQueued', { type: command.type }) })
    } catch (err) {
      const all = fieldErrors(err)
      const fields: Errors = {}
      for (const k of FIELDS) if (all[k]) fields[k] = all[k]
      setErrors(fields)
      // Whatever is not about one of the fields is shown above the buttons.
      if (!(err instanceof ApiError) || Object.keys(fields).length === 0) setProblem(err)
    } finally { setSending(false) }
  }

  const problemText = problem !== null ? describeError(problem, t) : null
  return (
    <section className='mz-card' aria-labelledby='devices-command-form-title'>
      <h2 id='devices-command-form-title' className='mz-card__title'>{t('sendCommand')}</h2>
      {disabled && <p className='mz-muted'>{t('commandsRevoked')}</p>}
      <form className='mz-stack devices-form' onSubmit={e => { void submit(e) }} noValidate aria-describedby={problemText ? 'devices-command-problem' : undefined}>
        <Field label={t('commandType')} error={errors.type} hint={t('commandTypeHint')} required>
          <input name='type' value={draft.type} onChange={change('type')} list='devices-command-types' autoComplete='off' spellCheck={false} disabled={disabled} />
        </Field>
        <datalist id='devices-command-types'>{SUGGESTED.map(s => <option key={s} value={s} />)}</datalist>
        <Field label={t('payload')} error={errors.payload} hint={t('payloadHint')}>
          <textarea name='payload' value={draft.payload} onChange={change('payload')} rows={5} className='devices-mono' spellCheck={false} placeholder='{ "key": "value" }' disabled={disabled} />
        </Field>
        <div className='devices-form-row'>
          <Field label={t('ttl')} error={errors.ttlSeconds} hint={t('ttlHint')} required>
            <input name='ttlSeconds' type='number' inputMode='numeric' min={1} max={604800} value={draft.ttlSeconds} onChange={change('ttlSeconds')} disabled={disabled} />
          </Field>
          <Field label={t('timeout')} error={errors.timeoutSeconds} hint={t('timeoutHint')} required>
            <input name='timeoutSeconds' type='number' inputMode='numeric' min={1} max={86400} value={draft.timeoutSeconds} onChange={change('timeoutSeconds')} disabled={disabled} />
          </Field>
        </div>
        {problemText && (
          <div id='devices-command-problem' className='devices-problem' role='alert'>
            {problemText.message}{problemText.code && <span className='mz-muted'> ({t('error.code', { code: problemText.code })})</span>}
          </div>
        )}
        <div>
          <button type='submit' className='mz-button mz-button--primary' disabled={disabled || sending}>{sending ? t('sending') : t('send')}</button>
        </div>
      </form>
    </section>
  )
}
