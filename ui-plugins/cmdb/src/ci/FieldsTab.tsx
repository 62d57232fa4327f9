import { useState } from 'react'
import { ApiError, describeError, navigate, useApi, useFormat, useHasPermission, useT, useToast } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { CiStatusBadge, ProvenanceBadge } from '../badges.tsx'
import { fieldLabel } from '../catalog.tsx'
import { FieldValue } from '../display.tsx'
import { CORE_FIELDS, coreFieldsOf, type Ci, type CiType, type FieldDef } from '../types.ts'
import { CiForm } from './CiForm.tsx'
import { ciMessages } from './messages.ts'

/** Every field with where its value came from and, for writers, a lock against discovery. */
export function FieldsTab ({ basePath, ci, type, onChange, onReload }: { basePath: string, ci: Ci, type: CiType | undefined, onChange: (ci: Ci) => void, onReload: () => void }) {
  const t = useT(ciMessages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const write = useHasPermission('cmdb.write')
  const [editing, setEditing] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)
  const [deleting, setDeleting] = useState(false)

  const rows: Array<{ key: string, def?: FieldDef }> = [...coreFieldsOf(ci.type, ci).map(key => ({ key })), ...(type?.fields ?? []).map(def => ({ key: def.key, def }))]
  // A value of a field the type no longer defines is still shown (the server keeps it until cleared);
  // core fields the type leaves out are not such values.
  const known = new Set<string>([...CORE_FIELDS, ...rows.map(r => r.key)])
  const meta = new Set(['id', 'type', 'locked', 'version', 'createdAt', 'updatedAt', 'provenance'])
  for (const key of Object.keys(ci)) if (!known.has(key) && !meta.has(key)) rows.push({ key })

  const toggleLock = async (key: string, label: string) => {
    const locked = ci.locked.includes(key) ? ci.locked.filter(k => k !== key) : [...ci.locked, key]
    setBusy(key)
    try {
      const saved = await api.patch<Ci>(`/api/v1/cmdb/cis/${encodeURIComponent(ci.id)}`, { locked }, { headers: { 'if-match': `"${ci.version}"` } })
      onChange(saved)
      toast({ kind: 'success', message: t(locked.includes(key) ? 'fieldLocked' : 'fieldUnlocked', { field: label }) })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'conflict') onReload()
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setBusy(null) }
  }

  const remove = async () => {
    setBusy('delete')
    try {
      await api.del(`/api/v1/cmdb/cis/${encodeURIComponent(ci.id)}`)
      toast({ kind: 'success', message: t('ciDeleted', { name: ci.name }) })
      navigate(basePath)
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
      setBusy(null); setDeleting(false)
    }
  }

  if (editing && type) {
    return (
      <section className='mz-card' aria-labelledby='cmdb-edit-title'>
        <h2 id='cmdb-edit-title' className='mz-card__title'>{t('editCi', { name: ci.name })}</h2>
        <CiForm type={type} ci={ci} onCancel={() => setEditing(false)} onSaved={saved => { onChange(saved); setEditing(false); toast({ kind: 'success', message: t('ciSaved', { name: saved.name }) }) }} />
      </section>
    )
  }

  return (
    <div className='cmdb-columns'>
      <section className='mz-card cmdb-flush' aria-labelledby='cmdb-fields-title'>
        <div className='cmdb-card-header'>
          <h2 id='cmdb-fields-title' className='mz-card__title'>{t('fields')}</h2>
          {write && type && <button type='button' className='mz-button' onClick={() => setEditing(true)}>{t('edit')}</button>}
        </div>
        <div className='mz-table__scroll'>
          <table className='cmdb-fields'>
            <caption className='mz-visually-hidden'>{t('fieldsCaption')}</caption>
            <thead>
              <tr>
                <th scope='col'>{t('field')}</th>
                <th scope='col'>{t('value')}</th>
                <th scope='col'>{t('source')}</th>
                <th scope='col'>{t('lock')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ key, def }) => {
                const label = fieldLabel(t, key, def)
                const locked = ci.locked.includes(key)
                const value = ci[key]
                return (
                  <tr key={key} data-field={key}>
                    <th scope='row'>{label}{def?.required && <span className='mz-muted' title={t('required')}> *</span>}</th>
                    <td>{key === 'status' ? <CiStatusBadge status={String(value)} /> : <FieldValue value={value} def={def} basePath={basePath} />}</td>
                    <td>{value === null || value === undefined || (Array.isArray(value) && value.length === 0) ? null : <ProvenanceBadge provenance={ci.provenance?.[key]} />}</td>
                    <td>
                      {write
                        ? (
                          <button type='button' role='switch' aria-checked={locked} className='cmdb-lock' disabled={busy !== null}
                            aria-label={t('lockField', { field: label })} onClick={() => { void toggleLock(key, label) }}>
                            <span aria-hidden='true' className='cmdb-lock__track'><span className='cmdb-lock__thumb' /></span>
                            <svg aria-hidden='true' className='cmdb-lock__icon' viewBox='0 0 16 16' width='14' height='14'>
                              <path d={locked ? 'M4 7V5a4 4 0 0 1 8 0v2M3 7h10v7H3z' : 'M4 7V5a4 4 0 0 1 7.5-1.9M3 7h10v7H3z'} />
                            </svg>
                          </button>
                          )
                        : locked ? <span className='mz-badge mz-badge--warning'>{t('locked')}</span> : null}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </section>
      <div className='mz-stack'>
        <section className='mz-card' aria-labelledby='cmdb-about-title'>
          <h2 id='cmdb-about-title' className='mz-card__title'>{t('about')}</h2>
          <dl className='cmdb-dl'>
            <div><dt>{t('ciId')}</dt><dd><code>{ci.id}</code></dd></div>
            <div><dt>{t('version')}</dt><dd>{ci.version}</dd></div>
            <div><dt>{t('created')}</dt><dd>{fmt.dateTime(ci.createdAt)}</dd></div>
            <div><dt>{t('updated')}</dt><dd>{fmt.dateTime(ci.updatedAt)}</dd></div>
          </dl>
          <p className='mz-muted cmdb-small'>{t('locksExplained')}</p>
        </section>
        {write && (
          <section className='mz-card' aria-labelledby='cmdb-danger-title'>
            <h2 id='cmdb-danger-title' className='mz-card__title'>{t('deleteCi')}</h2>
            <p className='mz-muted cmdb-small'>{t('deleteCiHint')}</p>
            <button type='button' className='mz-button mz-button--danger' onClick={() => setDeleting(true)}>{t('deleteCi')}</button>
          </section>
        )}
      </div>
      <Dialog
        open={deleting}
        role='alertdialog'
        onClose={() => setDeleting(false)}
        title={t('deleteCiConfirm', { name: ci.name })}
        footer={<>
          <button type='button' className='mz-button' data-autofocus onClick={() => setDeleting(false)}>{t('common.cancel')}</button>
          <button type='button' className='mz-button mz-button--danger' disabled={busy === 'delete'} onClick={() => { void remove() }}>{t('deleteCi')}</button>
        </>}
      >
        <p>{t('deleteCiWarning')}</p>
      </Dialog>
    </div>
  )
}
