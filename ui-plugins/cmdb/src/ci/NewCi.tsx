import { useState } from 'react'
import { DelayedSpinner, EmptyState, ErrorState, Link, joinPath, navigate, useHasPermission, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { typeLabel, useCatalog } from '../catalog.tsx'
import { CiForm } from './CiForm.tsx'
import { ciMessages } from './messages.ts'

/** A new CI: pick its type, then fill in the fields that type has. */
export function NewCi ({ basePath }: ModuleProps) {
  const t = useT(ciMessages)
  const toast = useToast()
  const write = useHasPermission('cmdb.write')
  const catalog = useCatalog()
  const [typeKey, setTypeKey] = useState('')
  const type = catalog.byKey.get(typeKey)
  const back = <Link to={basePath} className='cmdb-back'>{t('backToList')}</Link>

  if (!write) return <div className='mz-stack cmdb'>{back}<EmptyState title={t('writersOnly')} /></div>
  return (
    <div className='mz-stack cmdb'>
      {back}
      <h1>{t('newCi')}</h1>
      {catalog.error && <ErrorState error={catalog.error} onRetry={catalog.reload} />}
      {!catalog.loaded
        ? (!catalog.error && <DelayedSpinner />)
        : (
          <section className='mz-card mz-stack'>
            <div className='mz-field cmdb-narrow'>
              <label className='mz-field__label' htmlFor='cmdb-new-type'>{t('type')}<span className='mz-field__required' aria-hidden='true'> *</span></label>
              <select id='cmdb-new-type' className='mz-input' value={typeKey} onChange={e => setTypeKey(e.target.value)} required>
                <option value=''>{t('chooseType')}</option>
                {catalog.types.map(ty => <option key={ty.key} value={ty.key}>{typeLabel(t, ty.key, ty)}</option>)}
              </select>
              {type?.description && <p className='mz-field__hint'>{type.builtin && t.has(`typeHint.${type.key}`) ? t(`typeHint.${type.key}`) : type.description}</p>}
            </div>
            {type && (
              <CiForm key={type.key} type={type} ci={null} onCancel={() => navigate(basePath)}
                onSaved={ci => { toast({ kind: 'success', message: t('ciCreated', { name: ci.name }) }); navigate(joinPath(basePath, `/ci/${encodeURIComponent(ci.id)}`)) }} />
            )}
          </section>
          )}
    </div>
  )
}
