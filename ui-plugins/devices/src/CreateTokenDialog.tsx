import { useState, type FormEvent } from 'react'
import { ApiError, describeError, fieldErrors, useApi, useFormat, useT, type T } from '@monozu/ui-sdk'
import { Dialog, Field } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import { Secret } from './Secret.tsx'
import type { CreatedToken } from './types.ts'

const EXPIRY = [3600, 86_400, 604_800, 2_592_000, 31_536_000] as const
const FIELDS = ['expiresInSeconds', 'maxUses', 'site', 'tags', 'description'] as const
type FieldName = typeof FIELDS[number]
export interface TokenDraft { expiresInSeconds: string, maxUses: string, site: string, tags: string, description: string }

/** "a, b ,,c" → ["a", "b", "c"] (duplicates dropped). */
export function parseTags (text: string): string[] {
  return [...new Set(text.split(',').map(s => s.trim()).filter(Boolean))]
}

export function validateToken (d: TokenDraft, t: T): { errors: Partial<Record<FieldName, string>>, body?: Record<string, unknown> } {
  const errors: Partial<Record<FieldName, string>> = {}
  const maxUses = d.maxUses.trim() === '' ? undefined : Number(d.maxUses)
  if (maxUses !== undefined && !(Number.isInteger(maxUses) && maxUses >= 1 && maxUses <= 100_000)) errors.maxUses = t('rangeInvalid', { min: 1, max: 100_000 })
  if (d.site.trim().length > 100) errors.site = t('tooLong', { max: 100 })
  const tags = parseTags(d.tags)
  if (tags.length > 20) errors.tags = t('tooManyTags', { max: 20 })
  else if (tags.some(tag => tag.length > 50)) errors.tags = t('tagTooLong', { max: 50 })
  if (d.description.trim().length > 200) errors.description = t('tooLong', { max: 200 })
  if (Object.keys(errors).length) return { errors }
  return {
    errors,
    body: {
      expiresInSeconds: Number(d.expiresInSeconds),
      ...(maxUses !== undefined ? { maxUses } : {}),
      ...(d.site.trim() ? { site: d.site.trim() } : {}),
      ...(tags.length ? { tags } : {}),
      ...(d.description.trim() ? { description: d.description.trim() } : {})
    }
  }
}

/** What an appliance (or the simulator) runs to enroll with this token; it answers with its device key. */
export function registerCommand (origin: string, token: string): string {
  return [
    `curl -sS -X POST '${origin}/api/v1/devices/register' \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -H 'X-Enrollment-Token: ${token}' \\`,
    `  -d "{\\"hostname\\":\\"$(hostname)\\",\\"os\\":\\"$(uname -sr)\\",\\"agentVersion\\":\\"1.0.0\\",\\"hardwareId\\":\\"$(cat /etc/machine-id)\\"}"`
  ].join('\n')
}

/** Simulated appliances (edge-ingest/simulator) enrolling with this token. */
export function simulatorCommand (origin: string, token: string): string {
  return `npm run simulate -- --url ${origin} --enrollment-token ${token} --devices 3`
}

/** Creates an enrollment token, then shows it once with a ready-to-paste registration command. */
export function CreateTokenDialog ({ open, onClose, onCreated }: { open: boolean, onClose: () => void, onCreated: () => void }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const empty: TokenDraft = { expiresInSeconds: '86400', maxUses: '', site: '', tags: '', description: '' }
  const [draft, setDraft] = useState(empty)
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({})
  const [problem, setProblem] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)
  const [created, setCreated] = useState<CreatedToken | null>(null)

  const close = () => { onClose(); setDraft(empty); setErrors({}); setProblem(null); setCreated(null) }
  const change = (field: FieldName) => (e: { target: { value: string } }) => {
    setDraft(d => ({ ...d, [field]: e.target.value }))
    setErrors(x => ({ ...x, [field]: undefined }))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const checked = validateToken(draft, t)
    setErrors(checked.errors); setProblem(null)
    if (!checked.body) return
    setSaving(true)
    try {
      setCreated(await api.post<CreatedToken>('/api/v1/devices/enrollment-tokens', checked.body))
      onCreated()
    } catch (err) {
      const all = fieldErrors(err)
      const fields: Partial<Record<FieldName, string>> = {}
      for (const k of FIELDS) if (all[k]) fields[k] = all[k]
      setErrors(fields)
      if (!(err instanceof ApiError) || Object.keys(fields).length === 0) setProblem(err)
    } finally { setSaving(false) }
  }

  if (created) {
    return (
      <Dialog open={open} onClose={close} title={t('tokenCreated')} footer={<button type='button' className='mz-button mz-button--primary' onClick={close}>{t('keyCopiedDone')}</button>}>
        <div className='mz-stack devices-wide'>
          <p className='devices-once' role='note'>{t('shownOnce')}</p>
          <Secret label={t('enrollmentToken')} value={created.token} testId='devices-new-token' />
          <p className='mz-muted devices-small'>
            {t('tokenSummary', { date: fmt.dateTime(created.expiresAt), uses: created.maxUses ?? t('unlimited') })}
          </p>
          <Secret label={t('exampleCommand')} value={registerCommand(window.location.origin, created.token)} testId='devices-example-command' />
          <p className='mz-muted devices-small'>{t('exampleCommandHint')}</p>
          <Secret label={t('simulatorCommand')} value={simulatorCommand(window.location.origin, created.token)} />
        </div>
      </Dialog>
    )
  }

  const problemText = problem !== null ? describeError(problem, t) : null
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('createToken')}
      footer={<>
        <button type='button' className='mz-button' onClick={close}>{t('common.cancel')}</button>
        <button type='submit' form='devices-token-form' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('creating') : t('create')}</button>
      </>}
    >
      <form id='devices-token-form' className='mz-stack' onSubmit={e => { void submit(e) }} noValidate>
        <Field label={t('expiresIn')} error={errors.expiresInSeconds} required>
          <select name='expiresInSeconds' value={draft.expiresInSeconds} onChange={change('expiresInSeconds')}>
            {EXPIRY.map(s => <option key={s} value={String(s)}>{t(`expiry.${s}`)}</option>)}
          </select>
        </Field>
        <Field label={t('maxUses')} error={errors.maxUses} hint={t('maxUsesHint')}>
          <input name='maxUses' type='number' inputMode='numeric' min={1} max={100000} value={draft.maxUses} onChange={change('maxUses')} />
        </Field>
        <Field label={t('site')} error={errors.site} hint={t('siteHint')}>
          <input name='site' value={draft.site} onChange={change('site')} maxLength={100} />
        </Field>
        <Field label={t('tags')} error={errors.tags} hint={t('tagsHint')}>
          <input name='tags' value={draft.tags} onChange={change('tags')} />
        </Field>
        <Field label={t('description')} error={errors.description}>
          <input name='description' value={draft.description} onChange={change('description')} maxLength={200} />
        </Field>
        {problemText && <div className='devices-problem' role='alert'>{problemText.message}{problemText.code && <span className='mz-muted'> ({t('error.code', { code: problemText.code })})</span>}</div>}
      </form>
    </Dialog>
  )
}
