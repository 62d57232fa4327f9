import { useState, type FormEvent } from 'react'
import { Link, Routes, joinPath, navigate, useFormat, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { DataTable, Dialog, Field, type Column } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'

interface Item { id: string, name: string, created: string }

/**
 * The module's entry: the shell mounts the default export on /m/<plugin id>/* and passes
 * basePath ('/m/<plugin id>'). Every route of the module lives below basePath.
 */
export default function TemplateModule ({ basePath }: ModuleProps) {
  return (
    <Routes
      base={basePath}
      routes={[
        { path: '/', render: () => <List basePath={basePath} /> },
        { path: '/items/:id', render: p => <Detail basePath={basePath} id={p.id ?? ''} /> }
      ]}
    />
  )
}

function List ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const toast = useToast()
  // A real module reads its API page by page and shows it with the SDK's list states:
  // const list = useCursorList<Item>('/api/v1/<id>/items', { limit: 50 })
  // <CursorTable list={list} caption={t('items')} columns={columns} rowKey={item => item.id} empty={...} />
  const [items, setItems] = useState<Item[]>([{ id: '1', name: 'First', created: new Date().toISOString() }])
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)

  const columns: Column<Item>[] = [
    { key: 'name', header: t('name'), render: item => <Link to={joinPath(basePath, `/items/${item.id}`)}>{item.name}</Link> },
    { key: 'created', header: t('created'), render: item => fmt.dateTime(item.created) }
  ]

  const add = (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) { setError(t('nameRequired')); return }
    setItems(list => [...list, { id: String(list.length + 1), name: name.trim(), created: new Date().toISOString() }])
    toast({ kind: 'success', message: t('added', { name: name.trim() }) })
    setOpen(false); setName(''); setError(null)
  }

  return (
    <div className='mz-stack'>
      <div className='mz-page-header'>
        <h1>{t('title')}</h1>
        <button type='button' className='mz-button mz-button--primary' onClick={() => setOpen(true)}>{t('add')}</button>
      </div>
      <p>{t('intro')}</p>
      <DataTable caption={t('items')} rows={items} columns={columns} rowKey={item => item.id} onRowClick={item => navigate(joinPath(basePath, `/items/${item.id}`))} />
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={t('add')}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          <button type='submit' form='template-add' className='mz-button mz-button--primary'>{t('common.save')}</button>
        </>}
      >
        <form id='template-add' onSubmit={add} noValidate>
          <Field label={t('name')} error={error} required>
            <input name='name' value={name} onChange={e => setName(e.target.value)} />
          </Field>
        </form>
      </Dialog>
    </div>
  )
}

function Detail ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  return (
    <div className='mz-stack'>
      <h1>{t('detail', { id })}</h1>
      <p><Link to={basePath}>{t('back')}</Link></p>
    </div>
  )
}
