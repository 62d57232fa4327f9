import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { ApiError, EmptyState, describeError, fieldErrors, useApi, useApiData, useFeatures, useLang, useMe, useT, useToast, type Lang } from '@monozu/ui-sdk'
import { CursorTable, Dialog, Field, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { userMessages as messages } from './messages.ts'

interface User { id: string, email: string, name: string, roles: string[], disabled: boolean, createdAt: string }
/** GET /api/v1/roles: the base roles first, then the roles the installed plugins declare. */
interface Role { id: string, base: boolean, pluginId: string | null, name: { en: string, pl: string }, description: string, permissions?: string[] }

const BASE_ROLES = ['tenant-admin', 'member']
const isBase = (id: string) => BASE_ROLES.includes(id)
/**
 * What to show for an error: the known conflicts (the last active administrator, a taken email)
 * in the user's language, any other conflict with the server's detail, the rest as the SDK words it.
 */
function explain (err: unknown, t: ReturnType<typeof useT>): string {
  if (err instanceof ApiError && err.code === 'conflict') {
    if (/last active tenant-admin/.test(err.detail)) return t('lastAdmin')
    if (/email .* exists/.test(err.detail)) return t('emailTaken')
    if (err.detail) return err.detail
  }
  return describeError(err, t).message
}
const roleName = (roles: Role[], id: string, lang: Lang) => roles.find(r => r.id === id)?.name[lang] ?? id

/** `/settings/users` (tenant admins): the tenant's users, their base role and their modules' roles. */
export function Users () {
  const t = useT(messages)
  const me = useMe()
  const heading = useRef<HTMLHeadingElement>(null)
  const admin = Boolean(me?.tenant) && (me?.user.roles ?? []).includes('tenant-admin')
  useEffect(() => { document.title = `${t('title')} · Monozu Cloud` }, [t])
  useEffect(() => { heading.current?.focus({ preventScroll: true }) }, [])
  return (
    <div className='mz-stack mz-shell-settings'>
      <h1 ref={heading} tabIndex={-1}>{t('title')}</h1>
      {admin ? <UserList meId={me?.user.id ?? ''} /> : <p>{t('notAllowed')}</p>}
    </div>
  )
}

function UserList ({ meId }: { meId: string }) {
  const t = useT(messages)
  const api = useApi()
  const toast = useToast()
  const [lang] = useLang()
  const list = useCursorList<User>('/api/v1/users', { limit: 50 })
  const rolesData = useApiData<{ items: Role[] }>('/api/v1/roles')
  const roles = rolesData.data?.items ?? []
  const [editing, setEditing] = useState<User | 'new' | null>(null)
  const [toggling, setToggling] = useState<User | null>(null)
  const [toggleError, setToggleError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const replace = (user: User) => list.setItems(rows => rows.map(r => (r.id === user.id ? user : r)))

  const toggle = async (user: User) => {
    setBusy(true)
    setToggleError(null)
    try {
      const after = await api.patch<User>(`/api/v1/users/${encodeURIComponent(user.id)}`, { disabled: !user.disabled })
      replace(after)
      toast({ kind: 'success', message: t(after.disabled ? 'disabledToast' : 'enabledToast', { email: after.email }) })
      setToggling(null)
    } catch (err) {
      // 409: the last active administrator; the server's detail says what to do instead.
      setToggleError(explain(err, t))
    } finally {
      setBusy(false)
    }
  }

  const sortRoles = (ids: string[]) => [...ids].sort((a, b) => Number(roles.findIndex(r => r.id === a) === -1) - Number(roles.findIndex(r => r.id === b) === -1) || roles.findIndex(r => r.id === a) - roles.findIndex(r => r.id === b))
  const columns: Column<User>[] = [
    { key: 'name', header: t('name'), render: u => <>{u.name}{u.id === meId && <> <span className='mz-shell-settings__hint'>{t('you')}</span></>}</> },
    { key: 'email', header: t('email'), render: u => u.email },
    { key: 'roles', header: t('roles'), sortable: false, render: u => sortRoles(u.roles).map(id => roleName(roles, id, lang)).join(', ') },
    { key: 'disabled', header: t('state'), render: u => (u.disabled ? t('disabledState') : t('active')) },
    {
      key: 'actions',
      header: t('actions'),
      sortable: false,
      render: u => (
        <span className='mz-shell-user-actions'>
          <button type='button' className='mz-button mz-button--ghost' aria-label={t('editFor', { name: u.name })} disabled={rolesData.data === undefined} onClick={() => setEditing(u)}>{t('edit')}</button>
          {' '}
          <button type='button' className='mz-button mz-button--ghost' aria-label={t(u.disabled ? 'enableFor' : 'disableFor', { name: u.name })} onClick={() => { setToggleError(null); setToggling(u) }}>{t(u.disabled ? 'enable' : 'disable')}</button>
        </span>
      )
    }
  ]

  return (
    <>
      <p>{t('intro')}</p>
      {rolesData.error && <p className='mz-field__error' role='alert'>{describeError(rolesData.error, t).message}</p>}
      <p><button type='button' className='mz-button mz-button--primary' disabled={rolesData.data === undefined} onClick={() => setEditing('new')}>{t('add')}</button></p>
      <CursorTable list={list} caption={t('caption')} columns={columns} rowKey={u => u.id} empty={<EmptyState title={t('none')} />} />
      {editing !== null && (
        <UserDialog
          user={editing === 'new' ? null : editing} roles={roles} onClose={() => setEditing(null)}
          onSaved={(user, created) => {
            if (created) list.setItems(rows => [user, ...rows])
            else replace(user)
            toast({ kind: 'success', message: t(created ? 'created' : 'saved', { email: user.email }) })
            setEditing(null)
          }}
        />
      )}
      <Dialog
        open={toggling !== null} onClose={() => setToggling(null)} role='alertdialog'
        title={toggling ? t(toggling.disabled ? 'enableTitle' : 'disableTitle', { name: toggling.name }) : ''}
        footer={(
          <>
            <button type='button' className='mz-button' data-autofocus onClick={() => setToggling(null)}>{t('cancel')}</button>
            <button type='button' className={`mz-button ${toggling?.disabled ? 'mz-button--primary' : 'mz-button--danger'}`} disabled={busy} onClick={() => { if (toggling) void toggle(toggling) }}>
              {t(toggling?.disabled ? 'enable' : 'disable')}
            </button>
          </>
        )}
      >
        {toggling && <p>{t(toggling.disabled ? 'enableBody' : 'disableBody', { email: toggling.email })}</p>}
        {toggleError && <p className='mz-field__error' role='alert'>{toggleError}</p>}
      </Dialog>
    </>
  )
}

/** Adds a user (`user` null) or changes one: name, base role, module roles, password. */
function UserDialog ({ user, roles, onClose, onSaved }: { user: User | null, roles: Role[], onClose: () => void, onSaved: (user: User, created: boolean) => void }) {
  const t = useT(messages)
  const api = useApi()
  const [lang] = useLang()
  const features = useFeatures()
  const formId = useId()
  const [email, setEmail] = useState('')
  const [name, setName] = useState(user?.name ?? '')
  const [base, setBase] = useState<string | null>(user?.roles.find(isBase) ?? null)
  const [extra, setExtra] = useState<string[]>(user?.roles.filter(r => !isBase(r)) ?? [])
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)

  const baseRoles = roles.filter(r => r.base)
  const byModule = new Map<string, Role[]>()
  for (const r of roles) if (!r.base && r.pluginId) byModule.set(r.pluginId, [...(byModule.get(r.pluginId) ?? []), r])
  // Roles of a module no longer installed: shown so the admin can take them away (the API refuses to save them).
  const [orphans] = useState(() => user?.roles.filter(r => !isBase(r) && roles.length > 0 && !roles.some(x => x.id === r)) ?? [])
  const moduleName = (id: string) => features.find(f => f.id === id)?.name[lang] ?? id

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (base === null) { setErrors({ roles: t('baseRoleMissing') }); return }
    const next = [base, ...extra]
    setSaving(true)
    setErrors({})
    try {
      if (user === null) {
        const made = await api.post<User>('/api/v1/users', { email: email.trim(), name: name.trim(), roles: next, ...(password ? { password } : {}) })
        onSaved(made, true)
      } else {
        const same = next.length === user.roles.length && next.every(r => user.roles.includes(r))
        const body = {
          ...(name.trim() !== user.name ? { name: name.trim() } : {}),
          ...(same ? {} : { roles: next }),
          ...(password ? { password } : {})
        }
        if (Object.keys(body).length === 0) { onClose(); return }
        onSaved(await api.patch<User>(`/api/v1/users/${encodeURIComponent(user.id)}`, body), false)
      }
    } catch (err) {
      const byField = fieldErrors(err)
      if (Object.keys(byField).length > 0) setErrors(byField)
      else if (user === null && err instanceof ApiError && err.code === 'conflict') setErrors({ email: explain(err, t) })
      else setErrors({ form: explain(err, t) })
    } finally {
      setSaving(false)
    }
  }

  return (
    <Dialog
      open onClose={onClose} title={user ? t('editTitle', { name: user.name }) : t('addTitle')}
      footer={(
        <>
          <button type='button' className='mz-button' onClick={onClose}>{t('cancel')}</button>
          <button type='submit' form={formId} className='mz-button mz-button--primary' disabled={saving}>
            {user ? (saving ? t('saving') : t('save')) : (saving ? t('creating') : t('create'))}
          </button>
        </>
      )}
    >
      <form id={formId} className='mz-stack' aria-label={user ? t('editTitle', { name: user.name }) : t('addTitle')} noValidate onSubmit={e => { void submit(e) }}>
        {errors.form && <p className='mz-field__error' role='alert'>{errors.form}</p>}
        {user === null
          ? (
            <Field label={t('email')} error={errors.email} required>
              <input className='mz-input' type='email' name='email' autoComplete='off' value={email} maxLength={320} data-autofocus onChange={e => setEmail(e.target.value)} />
            </Field>
            )
          : <p>{user.email}</p>}
        <Field label={t('name')} error={errors.name} required>
          <input className='mz-input' name='name' autoComplete='off' value={name} maxLength={200} {...(user ? { 'data-autofocus': true } : {})} onChange={e => setName(e.target.value)} />
        </Field>
        <fieldset className='mz-stack' aria-describedby={errors.roles ? `${formId}-roles-error` : undefined}>
          <legend>{t('baseRole')} <span aria-hidden='true'>*</span></legend>
          {baseRoles.map(r => (
            <label key={r.id} className='mz-shell-webhook-type'>
              <input type='radio' name='base-role' value={r.id} checked={base === r.id} onChange={() => setBase(r.id)} />
              {' '}{r.name[lang]} <span className='mz-shell-settings__hint'>({r.description})</span>
            </label>
          ))}
          {errors.roles && <p className='mz-field__error' id={`${formId}-roles-error`} role='alert'>{errors.roles}</p>}
        </fieldset>
        {byModule.size === 0
          ? <p className='mz-shell-settings__hint'>{t('noModuleRoles')}</p>
          : [...byModule].map(([pluginId, list]) => (
            <fieldset key={pluginId} className='mz-stack'>
              <legend>{t('moduleRoles', { module: moduleName(pluginId) })}</legend>
              {list.map(r => (
                <label key={r.id} className='mz-shell-webhook-type'>
                  <input type='checkbox' value={r.id} checked={extra.includes(r.id)} onChange={e => setExtra(x => (e.target.checked ? [...x, r.id] : x.filter(y => y !== r.id)))} />
                  {' '}{r.name[lang]} <span className='mz-shell-settings__hint'>({r.description})</span>
                </label>
              ))}
            </fieldset>
          ))}
        {orphans.length > 0 && (
          <fieldset className='mz-stack'>
            <legend>{t('otherRoles')}</legend>
            {orphans.map(id => (
              <label key={id} className='mz-shell-webhook-type'>
                <input type='checkbox' value={id} checked={extra.includes(id)} onChange={e => setExtra(x => (e.target.checked ? [...x, id] : x.filter(y => y !== id)))} />
                {' '}<code>{id}</code>
              </label>
            ))}
          </fieldset>
        )}
        <Field label={user ? t('newPassword') : t('password')} hint={user ? t('newPasswordHint') : t('passwordHint')} error={errors.password}>
          <input className='mz-input' type='password' name='password' autoComplete='new-password' value={password} maxLength={1024} onChange={e => setPassword(e.target.value)} />
        </Field>
      </form>
    </Dialog>
  )
}
