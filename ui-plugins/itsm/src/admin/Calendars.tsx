import { useMemo, useState } from 'react'
import { useT } from '@monozu/ui-sdk'
import { DataTable, Field, type Column } from '@monozu/ui-sdk/components'
import { attempt, DeleteButton, FormDialog, useCrud } from './crud.tsx'
import { adminMessages } from './messages.ts'

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
type Weekday = typeof WEEKDAYS[number]
/** A calendar as the API keeps it (plugins/itsm sla/calendar.ts). */
interface Calendar { id: string, name: string, timeZone: string, hours: Partial<Record<Weekday, Array<[string, string]>>>, country: string | null, region: string | null, holidays: string[] }
interface Day { on: boolean, start: string, end: string }
const DATE = /^\d{4}-\d{2}-\d{2}$/

const zones = (): string[] => { try { return Intl.supportedValuesOf('timeZone') } catch { return ['Europe/Warsaw', 'Europe/London', 'UTC'] } }

/** Business calendars: a time zone, working hours per weekday, a country's public holidays and extra days off. */
export function Calendars () {
  const t = useT(adminMessages)
  const crud = useCrud<Calendar>('/api/v1/itsm/calendars')
  const timeZones = useMemo(zones, [])
  const [editing, setEditing] = useState<Calendar | 'new' | null>(null)
  const [name, setName] = useState('')
  const [timeZone, setTimeZone] = useState('Europe/Warsaw')
  const [country, setCountry] = useState('PL')
  const [region, setRegion] = useState('')
  const [days, setDays] = useState<Record<Weekday, Day>>({} as Record<Weekday, Day>)
  const [holidays, setHolidays] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)

  const open = (c: Calendar | 'new') => {
    setEditing(c); setFields({}); setError(null)
    const src = c === 'new' ? { name: '', timeZone: 'Europe/Warsaw', country: 'PL', region: null, holidays: [], hours: Object.fromEntries(WEEKDAYS.slice(0, 5).map(d => [d, [['09:00', '17:00']]])) } : c
    setName(src.name); setTimeZone(src.timeZone); setCountry(src.country ?? ''); setRegion(src.region ?? ''); setHolidays((src.holidays ?? []).join('\n'))
    setDays(Object.fromEntries(WEEKDAYS.map(d => { const first = src.hours[d]?.[0]; return [d, { on: Boolean(first), start: first?.[0] ?? '09:00', end: first?.[1] ?? '17:00' }] })) as Record<Weekday, Day>)
  }
  const submit = async () => {
    const local: Record<string, string> = {}
    const dates = holidays.split(/[\s,]+/).filter(Boolean)
    if (!name.trim()) local.name = t('err.required')
    if (!timeZones.includes(timeZone) && timeZone !== 'UTC') local.timeZone = t('unknownZone')
    if (country && !/^[A-Za-z]{2}$/.test(country)) local.country = t('countryFormat')
    if (dates.some(d => !DATE.test(d))) local.holidays = t('datesFormat')
    for (const d of WEEKDAYS) if (days[d]?.on && days[d].start >= days[d].end && days[d].end !== '24:00') local.hours = t('hoursOrder', { day: t(`day.${d}`) })
    if (Object.keys(local).length) { setFields(local); return }
    const body = {
      name: name.trim(), timeZone, country: country ? country.toUpperCase() : null, region: region.trim() || null, holidays: [...new Set(dates)],
      hours: Object.fromEntries(WEEKDAYS.filter(d => days[d]?.on).map(d => [d, [[days[d].start, days[d].end]]]))
    }
    if (await attempt(t, () => editing === 'new' ? crud.create(body) : crud.update((editing as Calendar).id, body), setFields, setError)) setEditing(null)
  }
  const summary = (c: Calendar) => WEEKDAYS.filter(d => c.hours[d]?.length).map(d => `${t(`dayShort.${d}`)} ${c.hours[d]!.map(([a, b]) => `${a}–${b}`).join(', ')}`).join('; ') || t('noHours')

  const columns: Column<Calendar>[] = [
    { key: 'name', header: t('name'), render: c => <button type='button' className='itsm-link-button' onClick={() => open(c)}>{c.name}</button> },
    { key: 'timeZone', header: t('timeZone') },
    { key: 'hours', header: t('workingHours'), sortable: false, render: summary },
    { key: 'country', header: t('holidays'), render: c => [c.country ? t('publicHolidaysOf', { country: c.country }) : '', c.holidays?.length ? t('customDays', { n: c.holidays.length }) : ''].filter(Boolean).join(' + ') || '–' },
    { key: 'actions', header: t('actions'), sortable: false, render: c => <DeleteButton name={c.name} onDelete={() => crud.remove(c.id)} /> }
  ]
  return (
    <section className='mz-stack' aria-labelledby='itsm-admin-calendars'>
      <div className='itsm-card-header'>
        <h2 id='itsm-admin-calendars' className='itsm-h2'>{t('admin.calendars')}</h2>
        <button type='button' className='mz-button mz-button--primary' onClick={() => open('new')}>{t('newCalendar')}</button>
      </div>
      <p className='itsm-intro'>{t('calendarsIntro')}</p>
      <DataTable caption={t('admin.calendars')} hideCaption rows={crud.items} columns={columns} rowKey={c => c.id} filterable={false} />
      <FormDialog open={editing !== null} title={editing === 'new' ? t('newCalendar') : t('editCalendar')} onClose={() => setEditing(null)} onSubmit={submit} error={error}>
        <Field label={t('name')} error={fields.name} required><input className='mz-input' value={name} maxLength={100} data-autofocus onChange={e => setName(e.target.value)} /></Field>
        <div className='itsm-form-grid'>
          <Field label={t('timeZone')} error={fields.timeZone} required>
            <input className='mz-input' list='itsm-zones' value={timeZone} onChange={e => setTimeZone(e.target.value)} />
          </Field>
          <Field label={t('country')} error={fields.country} hint={t('countryHint')}><input className='mz-input' value={country} maxLength={2} onChange={e => setCountry(e.target.value)} /></Field>
          <Field label={t('region')} error={fields.region}><input className='mz-input' value={region} maxLength={10} onChange={e => setRegion(e.target.value)} /></Field>
        </div>
        <datalist id='itsm-zones'>{timeZones.map(z => <option key={z} value={z} />)}</datalist>
        <fieldset className='itsm-hours'>
          <legend className='mz-field__label'>{t('workingHours')}</legend>
          {WEEKDAYS.map(d => (
            <div key={d} className='itsm-hours__row'>
              <label className='itsm-check'><input type='checkbox' checked={days[d]?.on ?? false} onChange={e => setDays(x => ({ ...x, [d]: { ...x[d], on: e.target.checked } }))} /><span>{t(`day.${d}`)}</span></label>
              <input type='time' className='mz-input' aria-label={t('dayFrom', { day: t(`day.${d}`) })} value={days[d]?.start ?? '09:00'} disabled={!days[d]?.on} onChange={e => setDays(x => ({ ...x, [d]: { ...x[d], start: e.target.value } }))} />
              <input type='time' className='mz-input' aria-label={t('dayTo', { day: t(`day.${d}`) })} value={days[d]?.end ?? '17:00'} disabled={!days[d]?.on} onChange={e => setDays(x => ({ ...x, [d]: { ...x[d], end: e.target.value } }))} />
            </div>
          ))}
          {fields.hours && <p className='mz-field__error'>{fields.hours}</p>}
        </fieldset>
        <Field label={t('customHolidays')} error={fields.holidays} hint={t('customHolidaysHint')}>
          <textarea className='mz-input itsm-textarea' rows={3} value={holidays} onChange={e => setHolidays(e.target.value)} />
        </Field>
      </FormDialog>
    </section>
  )
}
