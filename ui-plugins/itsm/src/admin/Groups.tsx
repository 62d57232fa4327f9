import { useState } from 'react'
import { useApiData, useT } from '@monozu/ui-sdk'
import { DataTable, Field, type Column } from '@monozu/ui-sdk/components'
import { useGroups } from '../groups.tsx'
import type { Group } from '../types.ts'
import { attempt, DeleteButton, FormDialog, useCrud } from './crud.tsx'
import { adminMessages } from './messages.ts'
import { useCanListUsers, type User } from '../users.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Support groups: name, the group's mailbox, members (picked from the tenant's users where the admin may list them). */
export function Groups () {
  const t = useT(adminMessages)
  const crud = useCrud<Group & { email?: string | null }>('/api/v1/itsm/groups')
  const shared = useGroups()
  const canListUsers = useCanListUsers()
  const users = useApiData<{ items: User[] }>(canListUsers ? '/api/v1/users' : null, { limit: 200 })
  const byId = new Map((users.data?.items ?? []).map(u => [u.id, u]))
  const [editing, setEditing] = useState<(Group & { email?: string | null }) | 'new' | null>(null)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [members, setMembers] = useState<string[]>([])
  const [memberText, setMemberText] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)

  const open = (g: (Group & { email?: string | null }) | 'new') => {
    setEditing(g); setFields({}); setError(null)
    setName(g === 'new' ? '' : g.name); setEmail(g === 'new' ? '' : g.email ?? '')
    setMembers(g === 'new' ? [] : g.members ?? []); setMemberText(g === 'new' ? '' : (g.members ?? []).join('\n'))
  }
  const submit = async () => {
    const ids = canListUsers ? members : memberText.split(/[\s,]+/).filter(Boolean)
    const local: Record<string, string> = {}
    if (!name.trim()) local.name = t('err.required')
    if (ids.some(id => !UUID.test(id))) local.members = t('membersFormat')
    if (Object.keys(local).length) { setFields(local); return }
    const body = { name: name.trim(), email: email.trim() || null, members: ids }
    const ok = await attempt(t, () => editing === 'new' ? crud.create(body) : crud.update((editing as Group).id, body), setFields, setError)
    if (ok) { setEditing(null); shared.reload() }
  }
  const who = (id: string) => byId.get(id)?.name ?? byId.get(id)?.email ?? id.slice(0, 8)

  const columns: Column<Group & { email?: string | null }>[] = [
    { key: 'name', header: t('name'), render: g => <button type='button' className='itsm-link-button' onClick={() => open(g)}>{g.name}</button> },
    { key: 'email', header: t('groupEmail'), render: g => g.email ?? '–' },
    { key: 'members', header: t('members'), render: g => (g.members ?? []).length ? (g.members ?? []).map(who).join(', ') : t('noMembers') },
    { key: 'actions', header: t('actions'), render: g => <DeleteButton name={g.name} onDelete={async () => { await crud.remove(g.id); shared.reload() }} /> }
  ]
  return (
    <section className='mz-stack' aria-labelledby='itsm-admin-groups'>
      <div className='itsm-card-header'>
        <h2 id='itsm-admin-groups' className='itsm-h2'>{t('admin.groups')}</h2>
        <button type='button' className='mz-button mz-button--primary' onClick={() => open('new')}>{t('newGroup')}</button>
      </div>
      <p className='itsm-intro'>{t('groupsIntro')}</p>
      <DataTable caption={t('admin.groups')} hideCaption rows={crud.items} columns={columns} rowKey={g => g.id} filterable={false} />
      <FormDialog open={editing !== null} title={editing === 'new' ? t('newGroup') : t('editGroup')} onClose={() => setEditing(null)} onSubmit={submit} error={error}>
        <Field label={t('name')} error={fields.name} required><input className='mz-input' value={name} maxLength={100} data-autofocus onChange={e => setName(e.target.value)} /></Field>
        <Field label={t('groupEmail')} error={fields.email} hint={t('groupEmailHint')}><input className='mz-input' type='email' value={email} maxLength={254} onChange={e => setEmail(e.target.value)} /></Field>
        {canListUsers
          ? (
            <fieldset className='itsm-checks'>
              <legend className='mz-field__label'>{t('members')}</legend>
              {(users.data?.items ?? []).map(u => (
                <label key={u.id} className='itsm-check'>
                  <input type='checkbox' checked={members.includes(u.id)} onChange={e => setMembers(m => e.target.checked ? [...m, u.id] : m.filter(x => x !== u.id))} />
                  <span>{u.name} <span className='mz-muted itsm-small'>{u.email}</span></span>
                </label>
              ))}
              {fields.members && <p className='mz-field__error'>{fields.members}</p>}
            </fieldset>
            )
          : (
            <Field label={t('members')} error={fields.members} hint={t('membersHint')}>
              <textarea className='mz-input itsm-textarea' rows={4} value={memberText} onChange={e => setMemberText(e.target.value)} />
            </Field>
            )}
      </FormDialog>
    </section>
  )
}
