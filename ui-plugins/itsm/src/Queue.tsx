import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { EmptyState, Link, describeError, joinPath, navigate, useLocation, useMe, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { CursorTable, Dialog, Field, SelectFilter, useCatchUp, useCursorList, type Column } from '@monozu/ui-sdk/components'
import { agentName, useAgents } from './agents.tsx'
import { Assignee, GroupName, label, LiveBadge, PriorityBadge, SlaDue, TicketStatusBadge, When } from './display.tsx'
import { isFiltered, noFilters, parseFilters, sameFilters, SORTS, STATUS_FILTERS, toApiQuery, toSearch, type Filters } from './filters.ts'
import { useGroups } from './groups.tsx'
import { useDebounced, useLive } from './live.tsx'
import { messages } from './messages.ts'
import { problemFields } from './problems.ts'
import { SectionNav } from './SectionNav.tsx'
import { PRIORITIES, TICKET_TYPES, type Ticket } from './types.ts'
import { BUILT_IN_VIEWS, useSavedViews } from './views.ts'

const PAGE = 50

/** The agents' queue: saved views, filters, full-text search and sort by SLA due; live. */
export function Queue ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const { search } = useLocation()
  const filters = useMemo(() => parseFilters(search), [search])
  const me = useMe()?.user.id
  const query = useMemo(() => ({ ...toApiQuery(filters, me), limit: PAGE }), [filters, me])
  const list = useCursorList<Ticket>('/api/v1/itsm/tickets', query)
  const [stale, setStale] = useState(false)
  const setFilters = (next: Partial<Filters>) => navigate(basePath + toSearch({ ...filters, ...next }), { replace: true })

  const { reload, items } = list
  const refresh = useDebounced(() => { setStale(false); reload() })
  // Events carry ids only: one page on screen is cheap to read again; past that, a reload is offered.
  const status = useLive(e => {
    if (e.event !== 'ticket.created' && e.event !== 'ticket.changed') return
    if (items.length <= PAGE) refresh()
    else setStale(true)
  })
  useCatchUp(status, reload)

  const open = (ticket: Ticket) => joinPath(basePath, `/tickets/${encodeURIComponent(ticket.id)}`)
  const columns: Column<Ticket>[] = [
    { key: 'number', header: t('number'), sortable: false, render: x => <Link to={open(x)} className='itsm-strong itsm-nowrap'>{x.number}</Link> },
    { key: 'title', header: t('field.title'), sortable: false, render: x => <span className='itsm-title-cell'>{x.title}</span> },
    { key: 'type', header: t('field.type'), sortable: false, render: x => label(t, 'type', x.type) },
    { key: 'status', header: t('field.status'), sortable: false, render: x => <TicketStatusBadge status={x.status} /> },
    { key: 'priority', header: t('field.priority'), sortable: false, render: x => <PriorityBadge priority={x.priority} /> },
    { key: 'sla', header: t('slaDue'), sortable: false, render: x => <SlaDue ticket={x} /> },
    { key: 'assignee', header: t('field.assignee'), sortable: false, render: x => <Assignee ticket={x} /> },
    { key: 'group', header: t('field.group'), sortable: false, render: x => <GroupName id={x.groupId} /> },
    { key: 'updatedAt', header: t('updated'), sortable: false, render: x => <span className='itsm-nowrap'><When at={x.updatedAt} /></span> }
  ]

  return (
    <div className='mz-stack itsm'>
      <div className='mz-page-header'>
        <div className='mz-row'>
          <h1>{t('queueTitle')}</h1>
          <LiveBadge status={status} />
        </div>
        <Link className='mz-button mz-button--primary' to={joinPath(basePath, '/new')}>{t('newTicket')}</Link>
      </div>
      <SectionNav basePath={basePath} />
      <SavedViews filters={filters} onPick={f => navigate(basePath + toSearch(f), { replace: true })} />
      <QueueFilters filters={filters} onChange={setFilters} />
      {stale && (
        <p className='itsm-note' role='status'>
          {t('listChanged')} <button type='button' className='mz-button' onClick={refresh}>{t('reloadList')}</button>
        </p>
      )}
      <CursorTable list={list} caption={t('queueTitle')} columns={columns} rowKey={x => x.id}
        onRowClick={x => navigate(open(x))}
        empty={isFiltered(filters)
          ? <EmptyState title={t('noMatchingTickets')} action={<button type='button' className='mz-button' onClick={() => navigate(basePath, { replace: true })}>{t('clearFilters')}</button>} />
          : <EmptyState title={t('noTickets')}>{t('noTicketsHint')}</EmptyState>}
      />
    </div>
  )
}

/** Search, status, type, priority, group, assignee and sort. Selects apply at once, search after a pause. */
function QueueFilters ({ filters, onChange }: { filters: Filters, onChange: (next: Partial<Filters>) => void }) {
  const t = useT(messages)
  const { groups } = useGroups()
  const { agents, byId: agentsById } = useAgents()
  const [text, setText] = useState(filters.q)
  const [shownQ, setShownQ] = useState(filters.q)
  if (shownQ !== filters.q) { setShownQ(filters.q); setText(filters.q) }
  useEffect(() => {
    if (text.trim() === filters.q) return
    const timer = setTimeout(() => onChange({ q: text.trim() }), 350)
    return () => clearTimeout(timer)
  }, [text]) // only typing starts a search; a URL change updates `text` itself

  return (
    <form role='search' className='itsm-filters' aria-label={t('filters')} onSubmit={e => { e.preventDefault(); onChange({ q: text.trim() }) }}>
      <div className='mz-field itsm-filters__search'>
        <label className='mz-field__label' htmlFor='itsm-q'>{t('search')}</label>
        <input id='itsm-q' type='search' className='mz-input' value={text} placeholder={t('searchHint')} maxLength={200} onChange={e => setText(e.target.value)} />
      </div>
      <SelectFilter id='itsm-status' label={t('field.status')} anyLabel={t('anyStatus')} options={STATUS_FILTERS} optionLabel={s => t(s === 'active' ? 'status.active' : `status.${s}`)} value={filters.status} onChange={status => onChange({ status })} />
      <SelectFilter id='itsm-type' label={t('field.type')} anyLabel={t('anyType')} options={TICKET_TYPES} optionLabel={s => t(`type.${s}`)} value={filters.type} onChange={type => onChange({ type })} />
      <SelectFilter id='itsm-priority' label={t('field.priority')} anyLabel={t('anyPriority')} options={PRIORITIES} optionLabel={s => t(`priority.${s}`)} value={filters.priority} onChange={priority => onChange({ priority })} />
      <SelectFilter id='itsm-group' label={t('field.group')} anyLabel={t('anyGroup')} options={groups.map(g => g.id)} optionLabel={id => groups.find(g => g.id === id)?.name ?? id} value={filters.group} onChange={group => onChange({ group })} />
      <div className='mz-field'>
        <label className='mz-field__label' htmlFor='itsm-assignee'>{t('field.assignee')}</label>
        <select id='itsm-assignee' className='mz-input' value={filters.assignee} onChange={e => onChange({ assignee: e.target.value })}>
          <option value=''>{t('anyone')}</option>
          <option value='me'>{t('assignee.me')}</option>
          <option value='none'>{t('assignee.none')}</option>
          {filters.assignee && filters.assignee !== 'me' && filters.assignee !== 'none' && !agentsById.has(filters.assignee) && (
            <option value={filters.assignee}>{filters.assignee.slice(0, 8)}</option>
          )}
          {agents.length > 0 && (
            <optgroup label={t('agents')}>
              {agents.map(a => <option key={a.id} value={a.id}>{agentName(a)}</option>)}
            </optgroup>
          )}
        </select>
      </div>
      <SelectFilter id='itsm-breached' label={t('slaFilter')} anyLabel={t('anySla')} options={['true', 'false'] as const} optionLabel={s => t(`breached.${s}`)} value={filters.breached} onChange={breached => onChange({ breached })} />
      <div className='mz-field'>
        <label className='mz-field__label' htmlFor='itsm-sort'>{t('sortBy')}</label>
        <select id='itsm-sort' className='mz-input' value={filters.sort} onChange={e => onChange({ sort: e.target.value })}>
          {SORTS.map(s => <option key={s} value={s}>{t(`sort.${s}`)}</option>)}
        </select>
      </div>
    </form>
  )
}

/** Pick a built-in, own or shared view; save the filters on screen under a name (optionally shared); delete an own view. */
function SavedViews ({ filters, onPick }: { filters: Filters, onPick: (filters: Filters) => void }) {
  const t = useT(messages)
  const toast = useToast()
  const { views, save, remove } = useSavedViews()
  const [saving, setSaving] = useState(false)
  const [busy, setBusy] = useState(false)
  const [name, setName] = useState('')
  const [shared, setShared] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const all = [...BUILT_IN_VIEWS, ...views]
  const current = views.find(v => sameFilters(v.filters, filters)) ?? BUILT_IN_VIEWS.find(v => sameFilters(v.filters, filters))
  const viewName = (v: { name: string, builtIn?: boolean }) => v.builtIn ? t(v.name) : v.name
  const own = views.filter(v => v.mine)
  const others = views.filter(v => !v.mine)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) { setError(t('viewNameRequired')); return }
    if (trimmed.length > 100) { setError(t('tooLong', { max: 100 })); return }
    const existing = own.find(v => v.name.toLocaleLowerCase() === trimmed.toLocaleLowerCase())
    setBusy(true)
    try {
      await save(trimmed, filters, shared, existing?.id)
      toast({ kind: 'success', message: t('viewSaved', { name: trimmed }) })
      setSaving(false)
    } catch (err) {
      setError(problemFields(err, t).fields.name ?? describeError(err, t).message)
    } finally { setBusy(false) }
  }
  const del = async (id: string, viewName: string) => {
    try {
      await remove(id)
      toast({ kind: 'success', message: t('viewDeleted', { name: viewName }) })
    } catch (err) { toast({ kind: 'error', message: describeError(err, t).message }) }
  }

  return (
    <div className='itsm-views'>
      <label className='itsm-inline-field'>
        <span>{t('savedView')}</span>
        <select className='mz-input' value={current?.id ?? ''} onChange={e => {
          const view = all.find(v => v.id === e.target.value)
          onPick(view ? { ...noFilters, ...view.filters } : noFilters)
        }}>
          <option value=''>{t('chooseView')}</option>
          <optgroup label={t('builtInViews')}>
            {BUILT_IN_VIEWS.map(v => <option key={v.id} value={v.id}>{viewName(v)}</option>)}
          </optgroup>
          {own.length > 0 && (
            <optgroup label={t('myViews')}>
              {own.map(v => <option key={v.id} value={v.id}>{v.shared ? t('sharedName', { name: v.name }) : v.name}</option>)}
            </optgroup>
          )}
          {others.length > 0 && (
            <optgroup label={t('sharedViews')}>
              {others.map(v => <option key={v.id} value={v.id}>{v.name}</option>)}
            </optgroup>
          )}
        </select>
      </label>
      <button type='button' className='mz-button' onClick={() => { const mine = current && current.mine ? current : undefined; setName(mine?.name ?? ''); setShared(mine?.shared ?? false); setError(null); setSaving(true) }}>{t('saveView')}</button>
      {current && current.mine && (
        <button type='button' className='mz-button mz-button--ghost' onClick={() => { void del(current.id, current.name) }}>
          {t('deleteView', { name: current.name })}
        </button>
      )}
      <Dialog
        open={saving}
        onClose={() => setSaving(false)}
        title={t('saveView')}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setSaving(false)}>{t('common.cancel')}</button>
          <button type='submit' form='itsm-view-form' className='mz-button mz-button--primary' disabled={busy}>{t('common.save')}</button>
        </>}
      >
        <form id='itsm-view-form' className='mz-stack' onSubmit={e => { void submit(e) }} noValidate>
          <Field label={t('viewName')} error={error} hint={t('viewNameHint')} required>
            <input name='name' value={name} maxLength={100} data-autofocus onChange={e => { setName(e.target.value); setError(null) }} />
          </Field>
          <label className='itsm-check'>
            <input type='checkbox' checked={shared} onChange={e => setShared(e.target.checked)} />
            <span>{t('shareView')}</span>
          </label>
        </form>
      </Dialog>
    </div>
  )
}
