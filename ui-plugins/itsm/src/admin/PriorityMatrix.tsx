import { useEffect, useState } from 'react'
import { describeError, useApi, useApiData, useT, useToast } from '@monozu/ui-sdk'
import { adminMessages } from './messages.ts'

interface Cell { impact: number, urgency: number, priority: number }
const LEVELS = [1, 2, 3]
const PRIORITIES = [1, 2, 3, 4, 5]

/** Impact × urgency → priority: a 3 × 3 table of choices, saved at once. */
export function PriorityMatrix () {
  const t = useT(adminMessages)
  const api = useApi()
  const toast = useToast()
  const data = useApiData<{ cells: Cell[] }>('/api/v1/itsm/priority-matrix')
  const [cells, setCells] = useState<Cell[]>([])
  const [busy, setBusy] = useState(false)
  useEffect(() => { if (data.data) setCells(data.data.cells) }, [data.data])
  const get = (i: number, u: number) => cells.find(c => c.impact === i && c.urgency === u)?.priority ?? Math.min(5, i + u - 1)
  const set = (i: number, u: number, p: number) => setCells(cs => [...cs.filter(c => !(c.impact === i && c.urgency === u)), { impact: i, urgency: u, priority: p }])
  const save = async () => {
    setBusy(true)
    try {
      const r = await api.put<{ cells: Cell[] }>('/api/v1/itsm/priority-matrix', { cells: LEVELS.flatMap(i => LEVELS.map(u => ({ impact: i, urgency: u, priority: get(i, u) }))) })
      setCells(r.cells)
      toast({ kind: 'success', message: t('matrixSaved') })
    } catch (err) { toast({ kind: 'error', message: describeError(err, t).message }) } finally { setBusy(false) }
  }
  return (
    <section className='mz-stack' aria-labelledby='itsm-admin-matrix'>
      <h2 id='itsm-admin-matrix' className='itsm-h2'>{t('admin.matrix')}</h2>
      <p className='itsm-intro'>{t('matrixIntro')}</p>
      <div className='mz-card'>
        <table className='itsm-matrix'>
          <caption className='mz-visually-hidden'>{t('admin.matrix')}</caption>
          <thead>
            <tr><td /><th scope='col' colSpan={3}>{t('field.urgency')}</th></tr>
            <tr><th scope='col'>{t('field.impact')}</th>{LEVELS.map(u => <th key={u} scope='col'>{t(`level.${u}`)}</th>)}</tr>
          </thead>
          <tbody>
            {LEVELS.map(i => (
              <tr key={i}>
                <th scope='row'>{t(`level.${i}`)}</th>
                {LEVELS.map(u => (
                  <td key={u}>
                    <select className='mz-input' aria-label={t('matrixCell', { impact: t(`level.${i}`), urgency: t(`level.${u}`) })} value={get(i, u)} onChange={e => set(i, u, Number(e.target.value))}>
                      {PRIORITIES.map(p => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}
                    </select>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className='mz-row'><button type='button' className='mz-button mz-button--primary' disabled={busy || !data.data} onClick={() => { void save() }}>{t('saveMatrix')}</button></div>
    </section>
  )
}
