import { useId, useRef, useState, type FormEvent } from 'react'
import { ErrorState, Spinner, describeError, useApi, useFormat, useHasPermission, useSession, useT, useToast, type ApiData } from '@monozu/ui-sdk'
import { RelativeTime } from '@monozu/ui-sdk/components'
import { problemFields } from '../problems.ts'
import type { Attachment, Message, Ticket } from '../types.ts'
import { downloadFile, formatBytes } from './download.ts'
import { Markdown } from './Markdown.tsx'
import { ticketMessages } from './messages.ts'

const BODY_MAX = 100_000

/**
 * The description and the conversation, oldest first, and the reply box. Internal notes look
 * different from public replies and say in words that the requester does not see them; requesters
 * never get them from the API and see no way to write one.
 */
export function Conversation ({ ticket, messages, attachments, onChanged }: {
  ticket: Ticket
  messages: ApiData<{ items: Message[] }>
  attachments: ApiData<{ items: Attachment[] }>
  onChanged: () => void
}) {
  const t = useT(ticketMessages)
  const files = attachments.data?.items ?? []
  const loose = files.filter(f => !f.messageId)
  return (
    <>
      <section className='mz-card' aria-labelledby='itsm-description'>
        <h2 id='itsm-description' className='mz-card__title'>{t('field.description')}</h2>
        <p className='itsm-meta'>{t('openedBy', { name: ticket.requester?.name || ticket.requester?.email || t('someone') })} · <RelativeTime at={ticket.createdAt} /></p>
        {ticket.description.trim() ? <Markdown text={ticket.description} /> : <p className='mz-muted'>{t('noDescription')}</p>}
      </section>
      <section className='mz-stack' aria-labelledby='itsm-conversation'>
        <h2 id='itsm-conversation' className='itsm-h2'>{t('conversation')}</h2>
        {messages.error && <ErrorState error={messages.error} onRetry={messages.reload} />}
        {!messages.data && !messages.error && <Spinner />}
        {messages.data && (messages.data.items.length === 0
          ? <p className='mz-muted'>{t('noMessages')}</p>
          : (
            <ol className='itsm-thread'>
              {messages.data.items.map(m => <MessageItem key={m.id} message={m} files={files.filter(f => f.messageId === m.id)} />)}
            </ol>
            ))}
        {loose.length > 0 && (
          <section aria-labelledby='itsm-files' className='mz-card'>
            <h3 id='itsm-files' className='itsm-h3'>{t('attachments')}</h3>
            <AttachmentList files={loose} />
          </section>
        )}
        <Composer ticket={ticket} onSent={onChanged} />
      </section>
    </>
  )
}

function MessageItem ({ message: m, files }: { message: Message, files: Attachment[] }) {
  const t = useT(ticketMessages)
  const fmt = useFormat()
  const internal = m.visibility === 'internal'
  const headId = useId()
  const who = m.authorName || t(`author.${m.authorKind ?? 'system'}`)
  return (
    <li>
      <article className={`itsm-msg itsm-msg--${internal ? 'internal' : 'public'} itsm-msg--${m.authorKind ?? 'system'}`} aria-labelledby={headId} data-visibility={m.visibility}>
        <header className='itsm-msg__head' id={headId}>
          <span className={`mz-badge mz-badge--${internal ? 'warning' : 'info'} itsm-msg__kind`}>{internal ? t('internalNote') : t('publicReply')}</span>
          <strong className='itsm-msg__who'>{who}</strong>
          {m.authorKind && m.authorKind !== 'system' && <span className='mz-muted itsm-small'>{t(`author.${m.authorKind}`)}</span>}
          <time className='mz-muted itsm-small' dateTime={m.createdAt} title={fmt.dateTime(m.createdAt)}>{fmt.relative(m.createdAt)}</time>
        </header>
        {internal && <p className='itsm-msg__hint'>{t('internalHint')}</p>}
        <Markdown text={m.body} />
        {files.length > 0 && <AttachmentList files={files} />}
      </article>
    </li>
  )
}

function AttachmentList ({ files }: { files: Attachment[] }) {
  const t = useT(ticketMessages)
  const session = useSession()
  const toast = useToast()
  return (
    <ul className='itsm-files' aria-label={t('attachments')}>
      {files.map(f => (
        <li key={f.id}>
          <button type='button' className='mz-button mz-button--ghost itsm-file' onClick={() => {
            downloadFile(session, `/api/v1/itsm/tickets/${encodeURIComponent(f.ticketId)}/attachments/${encodeURIComponent(f.id)}`, f.filename)
              .catch((err: unknown) => toast({ kind: 'error', message: describeError(err, t).message }))
          }}>
            {t('download', { name: f.filename })}
          </button>
          <span className='mz-muted itsm-small'>{formatBytes(f.size, t.lang)}{f.visibility === 'internal' ? ` · ${t('internalFile')}` : ''}</span>
        </li>
      ))}
    </ul>
  )
}

/**
 * The reply box. Agents choose between a public reply and an internal note (the box, its label
 * and its button change with the choice); requesters only reply. Files are sent after the text,
 * one by one, with the same visibility.
 */
function Composer ({ ticket, onSent }: { ticket: Ticket, onSent: () => void }) {
  const t = useT(ticketMessages)
  const api = useApi()
  const toast = useToast()
  const agent = useHasPermission('itsm.agent')
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public')
  const [body, setBody] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const box = useRef<HTMLTextAreaElement>(null)
  const internal = agent && visibility === 'internal'

  if (ticket.status === 'closed') return <p className='itsm-note'>{t(agent ? 'closedAgent' : 'closedRequester')}</p>

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const text = body.trim()
    const chosen = Array.from(fileInput.current?.files ?? [])
    if (!text) { setError(t('err.required')); box.current?.focus(); return }
    if (text.length > BODY_MAX) { setError(t('err.maxLength', { n: BODY_MAX })); box.current?.focus(); return }
    setSending(true); setError(null)
    const base = `/api/v1/itsm/tickets/${encodeURIComponent(ticket.id)}`
    try {
      await api.post(`${base}/messages`, { body: text, visibility: internal ? 'internal' : 'public' })
    } catch (err) {
      const { fields, other } = problemFields(err, t)
      setError(fields.body ?? [describeError(err, t).message, ...other].join(' '))
      setSending(false)
      box.current?.focus()
      return
    }
    setBody('')
    const failed: string[] = []
    for (const file of chosen) {
      try {
        await api.post(`${base}/attachments`, file, {
          query: { filename: file.name, contentType: /^[a-zA-Z0-9.+-]+\/[a-zA-Z0-9.+-]+$/.test(file.type) ? file.type : 'application/octet-stream', visibility: internal ? 'internal' : 'public' },
          headers: { 'content-type': 'application/octet-stream' }
        })
      } catch (err) { failed.push(`${file.name}: ${describeError(err, t).message}`) }
    }
    if (fileInput.current) fileInput.current.value = ''
    setSending(false)
    toast({ kind: 'success', message: t(internal ? 'noteAdded' : 'replySent') })
    if (failed.length) toast({ kind: 'error', message: t('filesFailed', { files: failed.join('; ') }), duration: 0 })
    onSent()
  }

  const label = internal ? t('noteLabel') : agent ? t('replyLabel') : t('yourReply')
  return (
    <form className={`mz-card mz-stack itsm-composer${internal ? ' itsm-composer--internal' : ''}`} onSubmit={e => { void submit(e) }} noValidate aria-label={t('writeMessage')}>
      {agent && (
        <fieldset className='itsm-segmented'>
          <legend className='mz-visually-hidden'>{t('messageKind')}</legend>
          <label><input type='radio' name='visibility' value='public' checked={visibility === 'public'} onChange={() => setVisibility('public')} /><span>{t('publicReply')}</span></label>
          <label><input type='radio' name='visibility' value='internal' checked={visibility === 'internal'} onChange={() => setVisibility('internal')} /><span>{t('internalNote')}</span></label>
        </fieldset>
      )}
      <div className={`mz-field${error ? ' mz-field--invalid' : ''}`}>
        <label className='mz-field__label' htmlFor='itsm-reply'>{label}</label>
        <textarea
          id='itsm-reply' ref={box} className='mz-input itsm-textarea' rows={5} value={body}
          aria-invalid={error ? true : undefined} aria-describedby={`itsm-reply-hint${error ? ' itsm-reply-error' : ''}`}
          onChange={e => { setBody(e.target.value); setError(null) }}
        />
        <p className='mz-field__hint' id='itsm-reply-hint'>
          {internal ? t('internalHint') : agent ? t('publicHint') : ticket.status === 'resolved' || ticket.status === 'pending' ? t('replyReopens') : t('markdownHint')}
        </p>
        {error && <p className='mz-field__error' id='itsm-reply-error'>{error}</p>}
      </div>
      <div className='mz-field'>
        <label className='mz-field__label' htmlFor='itsm-files-input'>{t('attachFiles')}</label>
        <input id='itsm-files-input' ref={fileInput} type='file' multiple className='itsm-file-input' />
      </div>
      <div className='mz-row'>
        <button type='submit' className='mz-button mz-button--primary' disabled={sending}>{sending ? t('sending') : internal ? t('addNote') : t('sendReply')}</button>
      </div>
    </form>
  )
}
