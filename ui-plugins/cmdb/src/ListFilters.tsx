import { useEffect, useMemo, useState } from 'react'
import { useT } from '@monozu/ui-sdk'
import { SelectFilter, TextFilter } from '@monozu/ui-sdk/components'
import { fieldLabel, typeLabel, useCatalog } from './catalog.tsx'
import { SORTS, type Filters } from './filters.ts'
import { messages } from './messages.ts'
import { STATUSES, type FieldDef } from './types.ts'

/**
 * The list's filters: type, status, site, search, sort and filters on type fields. Selects apply
 * at once, text after a pause (or Enter), so typing does not fire a request per key.
 */
export function ListFilters ({ filters, onChange }: { filters: Filters, onChange: (next: Partial<Filters>) => void }) {
  const t = useT(messages)
  const { types, byKey } = useCatalog()
  // The search box follows the URL (back button, a view) but is typed into freely.
  const [search, setSearch] = useState(filters.q)
  const [shownQ, setShownQ] = useState(filters.q)
  if (shownQ !== filters.q) { setShownQ(filters.q); setSearch(filters.q) }
  useEffect(() => {
    if (search.trim() === filters.q) return
    const timer = setTimeout(() => onChange({ q: search.trim() }), 300)
    return () => clearTimeout(timer)
  }, [search]) // only typing starts a search; a URL change updates `search` itself

  return (
    <form role='search' className='cmdb-filters' aria-label={t('filters')} onSubmit={e => { e.preventDefault(); onChange({ q: search.trim() }) }}>
      <div className='mz-field cmdb-filters__search'>
        <label className='mz-field__label' htmlFor='cmdb-q'>{t('search')}</label>
        <input id='cmdb-q' type='search' className='mz-input' value={search} placeholder={t('searchHint')} maxLength={100} onChange={e => setSearch(e.target.value)} />
      </div>
      <SelectFilter
        id='cmdb-type' label={t('type')} anyLabel={t('anyType')} options={types.map(ty => ty.key)} optionLabel={key => typeLabel(t, key, byKey.get(key))}
        value={filters.type} onChange={type => onChange({ type, fields: keepFields(filters.fields, byKey.get(type)?.fields) })}
      />
      <SelectFilter id='cmdb-status' label={t('status')} anyLabel={t('anyStatus')} options={STATUSES} optionLabel={s => t(`status.${s}`)} value={filters.status} onChange={status => onChange({ status })} />
      <TextFilter id='cmdb-site' label={t('field.site')} placeholder={t('anySite')} maxLength={100} value={filters.site} onChange={site => onChange({ site })} />
      <div className='mz-field'>
        <label className='mz-field__label' htmlFor='cmdb-sort'>{t('sortBy')}</label>
        <select id='cmdb-sort' className='mz-input' value={filters.sort} onChange={e => onChange({ sort: e.target.value })}>
          {SORTS.map(s => <option key={s} value={s}>{t(`sort.${s}`)}</option>)}
        </select>
      </div>
      <FieldFilters filters={filters} onChange={onChange} />
    </form>
  )
}

/** Field filters that still make sense for a newly chosen type (all of them when any type is shown). */
function keepFields (fields: Filters['fields'], defs: FieldDef[] | undefined): Filters['fields'] {
  if (!defs) return fields
  return Object.fromEntries(Object.entries(fields).filter(([k]) => defs.some(d => d.key === k)))
}

/** Filters on type fields (`f.<key>=value`): the chosen ones as removable chips, and a row to add one. */
function FieldFilters ({ filters, onChange }: { filters: Filters, onChange: (next: Partial<Filters>) => void }) {
  const t = useT(messages)
  const { types, byKey } = useCatalog()
  // With a type: its fields; without: every field some type has (the API accepts those).
  const defs = useMemo(() => {
    const source = filters.type ? byKey.get(filters.type)?.fields ?? [] : types.flatMap(ty => ty.fields)
    const seen = new Map<string, FieldDef>()
    for (const d of source) if (!seen.has(d.key)) seen.set(d.key, d)
    return [...seen.values()].sort((a, b) => fieldLabel(t, a.key, a).localeCompare(fieldLabel(t, b.key, b)))
  }, [filters.type, byKey, types, t])
  const [key, setKey] = useState('')
  const [value, setValue] = useState('')
  const def = defs.find(d => d.key === key)
  const active = Object.entries(filters.fields)

  const add = () => {
    if (!key || !value.trim()) return
    onChange({ fields: { ...filters.fields, [key]: value.trim() } })
    setValue('')
  }

  return (
    <fieldset className='cmdb-field-filters'>
      <legend className='mz-field__label'>{t('fieldFilters')}</legend>
      {active.length > 0 && (
        <ul className='cmdb-chips' aria-label={t('activeFieldFilters')}>
          {active.map(([k, v]) => {
            const label = `${fieldLabel(t, k, defs.find(d => d.key === k))} = ${v}`
            return (
              <li key={k}>
                {label}
                <button type='button' className='mz-button mz-button--ghost cmdb-chip-remove' aria-label={t('removeFilter', { filter: label })}
                  onClick={() => { const next = { ...filters.fields }; delete next[k]; onChange({ fields: next }) }}>×</button>
              </li>
            )
          })}
        </ul>
      )}
      <div className='cmdb-field-filters__add'>
        <label className='mz-visually-hidden' htmlFor='cmdb-ff-key'>{t('filterField')}</label>
        <select id='cmdb-ff-key' className='mz-input' value={key} onChange={e => { setKey(e.target.value); setValue('') }}>
          <option value=''>{t('chooseField')}</option>
          {defs.map(d => <option key={d.key} value={d.key}>{fieldLabel(t, d.key, d)}</option>)}
        </select>
        <label className='mz-visually-hidden' htmlFor='cmdb-ff-value'>{t('filterValue')}</label>
        {def?.kind === 'select' || def?.kind === 'boolean'
          ? (
            <select id='cmdb-ff-value' className='mz-input' value={value} onChange={e => setValue(e.target.value)} disabled={!def}>
              <option value=''>{t('chooseValue')}</option>
              {(def.kind === 'boolean' ? ['true', 'false'] : def.choices ?? []).map(c => <option key={c} value={c}>{c === 'true' ? t('yes') : c === 'false' ? t('no') : c}</option>)}
            </select>
            )
          : (
            <input id='cmdb-ff-value' className='mz-input' value={value} disabled={!def} maxLength={256}
              type={def?.kind === 'date' ? 'date' : def?.kind === 'integer' ? 'number' : 'text'}
              onChange={e => setValue(e.target.value)} onKeyDown={e => { if (e.key === 'Enter') { e.preventDefault(); add() } }} />
            )}
        <button type='button' className='mz-button' onClick={add} disabled={!def || !value.trim()}>{t('addFilter')}</button>
      </div>
    </fieldset>
  )
}
