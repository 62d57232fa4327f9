import { useEffect, useId, useState } from 'react'
import { useApiData, useT } from '@monozu/ui-sdk'
import { typeLabel, useCatalog } from '../catalog.tsx'
import type { Ci } from '../types.ts'
import { ciMessages } from './messages.ts'

/**
 * Finds a CI by name, host name or serial and picks it: a search box and a native select of the
 * matches (a select is what every assistive technology already knows how to use).
 */
export function CiPicker ({ label, value, onChange, refType, exclude, error, required, name }: {
  label: string
  value: string
  onChange: (id: string) => void
  refType?: string | undefined
  exclude?: string
  error?: string | undefined
  required?: boolean
  name?: string
}) {
  const t = useT(ciMessages)
  const { byKey } = useCatalog()
  const id = useId()
  const [search, setSearch] = useState('')
  const [q, setQ] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250)
    return () => clearTimeout(timer)
  }, [search])
  const found = useApiData<{ items: Ci[] }>('/api/v1/cmdb/cis', { q: q || undefined, type: refType, limit: 20 })
  const current = useApiData<Ci>(value && !found.data?.items.some(c => c.id === value) ? `/api/v1/cmdb/cis/${encodeURIComponent(value)}` : null)
  const options = (found.data?.items ?? []).filter(c => c.id !== exclude)
  const errorId = error ? `${id}-error` : undefined

  return (
    <div className={`mz-field cmdb-picker${error ? ' mz-field--invalid' : ''}`}>
      <label className='mz-field__label' htmlFor={`${id}-select`}>
        {label}{required && <span className='mz-field__required' aria-hidden='true'> *</span>}
      </label>
      <div className='cmdb-picker__row'>
        <input type='search' className='mz-input' aria-label={t('findCi', { field: label })} placeholder={t('findCiHint')} value={search} onChange={e => setSearch(e.target.value)} maxLength={100} />
        <select id={`${id}-select`} name={name} value={value} onChange={e => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={errorId} required={required}>
          <option value=''>{found.loading && !found.data ? t('loading') : options.length === 0 ? t('noCiFound') : t('chooseCi')}</option>
          {value && current.data && <option value={value}>{current.data.name}</option>}
          {options.map(c => <option key={c.id} value={c.id}>{c.name} · {typeLabel(t, c.type, byKey.get(c.type))}</option>)}
        </select>
      </div>
      {error && <p className='mz-field__error' id={errorId}>{error}</p>}
    </div>
  )
}
