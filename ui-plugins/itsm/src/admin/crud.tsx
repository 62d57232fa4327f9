import { useCallback, useState, type FormEvent, type ReactNode } from 'react'
import { describeError, useApi, useApiData, useT, useToast, type T } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { problemFields } from '../problems.ts'
import { adminMessages } from './messages.ts'

/** A list the admin pages read, change and delete through the API (`{ items }` answers). */
export function useCrud<I extends { id: string }, X = Record<string, never>> (path: string) {
  const api = useApi()
  const data = useApiData<{ items: I[] } & Partial<X>>(path)
  const { reload } = data
  const create = useCallback(async (body: unknown) => { const r = await api.post<I>(path, body); reload(); return r }, [api, path, reload])
  const update = useCallback(async (id: string, body: unknown) => { const r = await api.patch<I>(`${path}/${encodeURIComponent(id)}`, body); reload(); return r }, [api, path, reload])
  const remove = useCallback(async (id: string) => { await api.del(`${path}/${encodeURIComponent(id)}`); reload() }, [api, path, reload])
  return { items: data.data?.items ?? [], data: data.data, loaded: data.data !== undefined, error: data.error, reload, create, update, remove }
}

/**
 * A create/edit form in a dialog. `onSubmit` returns the request; server field errors come back
 * keyed by field (in the user's language) for the form to show, anything else above the buttons.
 */
export function FormDialog ({ open, title, onClose, onSubmit, children, error }: {
  open: boolean
  title: string
  onClose: () => void
  onSubmit: () => Promise<void>
  children: ReactNode
  error: string | null
}) {
  const t = useT(adminMessages)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    try { await onSubmit() } finally { setBusy(false) }
  }
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      footer={<>
        <button type='button' className='mz-button' onClick={onClose}>{t('common.cancel')}</button>
        <button type='submit' form='itsm-admin-form' className='mz-button mz-button--primary' disabled={busy}>{t('common.save')}</button>
      </>}
    >
      <form id='itsm-admin-form' className='mz-stack' onSubmit={e => { void submit(e) }} noValidate>
        {children}
        {error && <p className='itsm-problem' role='alert'>{error}</p>}
      </form>
    </Dialog>
  )
}

/** Runs a save: closes on success, or hands back field errors and a general message. */
export async function attempt (t: T, run: () => Promise<unknown>, setFields: (f: Record<string, string>) => void, setError: (e: string | null) => void): Promise<boolean> {
  setFields({}); setError(null)
  try { await run(); return true } catch (err) {
    const { fields, other } = problemFields(err, t)
    setFields(fields)
    setError(Object.keys(fields).length && !other.length ? t('fixFields') : [describeError(err, t).message, ...other].join(' '))
    return false
  }
}

/** A delete button that asks first (the browser's own confirm keeps this small and accessible). */
export function DeleteButton ({ name, onDelete }: { name: string, onDelete: () => Promise<void> }) {
  const t = useT(adminMessages)
  const toast = useToast()
  return (
    <button type='button' className='mz-button mz-button--ghost' aria-label={t('deleteNamed', { name })} onClick={() => {
      if (!window.confirm(t('confirmDelete', { name }))) return
      onDelete().then(() => toast({ kind: 'success', message: t('deleted', { name }) }), (err: unknown) => toast({ kind: 'error', message: describeError(err, t).message }))
    }}>{t('delete')}</button>
  )
}
