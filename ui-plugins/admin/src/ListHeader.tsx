import { useT } from '@monozu/ui-sdk'
import { type CursorList } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'

/** A console list's title with its refresh button (the lists are not live: the operator reloads). */
export function ListHeader ({ title, list }: { title: string, list: Pick<CursorList<unknown>, 'reload' | 'loading'> }) {
  const t = useT(messages)
  return (
    <div className='mz-page-header'>
      <h1>{title}</h1>
      <button type='button' className='mz-button' onClick={list.reload} disabled={list.loading}>{t('refresh')}</button>
    </div>
  )
}
