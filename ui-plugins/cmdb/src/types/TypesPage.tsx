import { useState, type FormEvent } from 'react'
import {
  ApiError, DelayedSpinner, EmptyState, ErrorState, Link, describeError, joinPath, navigate, useApi, useHasPermission, useT, useToast, type ModuleProps
} from '@monozu/ui-sdk'
import { Dialog, Field } from '@monozu/ui-sdk/components'
import { typeLabel, useCatalog } from '../catalog.tsx'
import { SectionNav } from '../SectionNav.tsx'
import { TYPE_KEY, type CiType } from '../types.ts'
import { typesMessages } from './messages.ts'
import { TypeEditor } from './TypeEditor.tsx'

/** CI types and their custom fields: everyone reads them, cmdb.admin changes them. */
export function TypesPage ({ basePath, selected }: ModuleProps & { selected?: string | undefined }) {
  const t = useT(typesMessages)
  const admin = useHasPermission('cmdb.admin')
  const catalog = useCatalog()
  const [creating, setCreating] = useState(false)
  const root = joinPath(basePath, '/types')
  const current = catalog.byKey.get(selected ?? catalog.types[0]?.key ?? '')

  return (
    <div className='mz-stack cmdb'>
      <div className='mz-page-header'>
        <h1>{t('typesTitle')}</h1>
        {admin && <button type='button' className='mz-button mz-button--primary' onClick={() => setCreating(true)}>{t('newType')}</button>}
      </div>
      <SectionNav basePath={basePath} />
      <p className='cmdb-intro'>{t(admin ? 'typesIntroAdmin' : 'typesIntro')}</p>
      {catalog.error && <ErrorState error={catalog.error} onRetry={catalog.reload} />}
      {!catalog.loaded
        ? (!catalog.error && <DelayedSpinner />)
        : (
          <div className='cmdb-columns cmdb-columns--side'>
            <nav className='mz-card cmdb-type-list' aria-label={t('typeList')}>
              <ul>
                {catalog.types.map(ty => (
                  <li key={ty.key}>
                    <Link to={joinPath(root, `/${ty.key}`)} aria-current={ty.key === current?.key ? 'page' : undefined}>
                      <span>{typeLabel(t, ty.key, ty)}</span>
                      <span className='mz-muted cmdb-small'>{t('fieldCount', { count: ty.fields.length })}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            {current
              ? <TypeEditor key={current.key} type={current} onDeleted={() => navigate(root)} />
              : <EmptyState title={t('typeNotFound')} />}
          </div>
          )}
      {admin && <NewTypeDialog open={creating} onClose={() => setCreating(false)} onCreated={ty => { setCreating(false); catalog.reload(); navigate(joinPath(root, `/${ty.key}`)) }} />}
    </div>
  )
}

const slug = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').replace(/^[^a-z]+/, '').slice(0, 40)

function NewTypeDialog ({ open, onClose, onCreated }: { open: boolean, onClose: () => void, onCreated: (type: CiType) => void }) {
  const t = useT(typesMessages)
  const api = useApi()
  const toast = useToast()
  const [label, setLabel] = useState('')
  const [key, setKey] = useState('')
  const [keyTouched, setKeyTouched] = useState(false)
  const [description, setDescription] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const close = () => { onClose(); setLabel(''); setKey(''); setKeyTouched(false); setDescription(''); setErrors({}); setProblem(null) }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const own: Record<string, string> = {}
    if (!label.trim()) own.label = t('labelRequired')
    if (!TYPE_KEY.test(key)) own.key = t('typeKeyInvalid')
    setErrors(own); setProblem(null)
    if (Object.keys(own).length > 0) return
    setSaving(true)
    try {
      const type = await api.post<CiType>('/api/v1/cmdb/types', { key, label: label.trim(), ...(description.trim() ? { description: description.trim() } : {}) })
      toast({ kind: 'success', message: t('typeCreated', { name: type.label }) })
      close()
      onCreated(type)
    } catch (err) {
      const fields: Record<string, string> = {}
      if (err instanceof ApiError) for (const x of err.errors) { const k = (x.pointer ?? '').split('/')[1]; if (k && !(k in fields)) fields[k] = x.message }
      setErrors(fields)
      if (Object.keys(fields).length === 0) setProblem(describeError(err, t).message)
    } finally { setSaving(false) }
  }

  return (
    <Dialog open={open} onClose={close} title={t('newType')}
      footer={<>
        <button type='button' className='mz-button' onClick={close}>{t('common.cancel')}</button>
        <button type='submit' form='cmdb-new-type-form' className='mz-button mz-button--primary' disabled={saving}>{saving ? t('saving') : t('create')}</button>
      </>}>
      <form id='cmdb-new-type-form' className='mz-stack' onSubmit={e => { void submit(e) }} noValidate>
        <Field label={t('typeLabel')} error={errors.label} required>
          <input name='label' value={label} maxLength={100} data-autofocus onChange={e => { setLabel(e.target.value); if (!keyTouched) setKey(slug(e.target.value)) }} />
        </Field>
        <Field label={t('typeKey')} error={errors.key} hint={t('typeKeyHint')} required>
          <input name='key' value={key} maxLength={40} spellCheck={false} className='cmdb-mono' onChange={e => { setKey(e.target.value); setKeyTouched(true) }} />
        </Field>
        <Field label={t('typeDescription')} error={errors.description}>
          <input name='description' value={description} maxLength={500} onChange={e => setDescription(e.target.value)} />
        </Field>
        {problem && <p className='cmdb-problem' role='alert'>{problem}</p>}
      </form>
    </Dialog>
  )
}
