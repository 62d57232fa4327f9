import { useCallback, useState } from 'react'
import { ErrorState, Link, Spinner, useApi, useApiData, useFormat, useHasPermission, useT, useToast, type ModuleProps } from '@monozu/ui-sdk'
import { Dialog, StatusBadge, TimeSeriesChart } from '@monozu/ui-sdk/components'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { PeerStatusBadge, bytes } from './status.tsx'
import type { Peer, Traffic } from './types.ts'

interface History { from: string, to: string, uptimeRatio: number, flapping: boolean, items: Array<{ connectedAt: string, disconnectedAt: string | null }> }

/**
 * One peer: live status, key facts, whether an appliance applied its config, the connection
 * timeline of 7 days and the traffic rate of 24 hours (bytes/s between the reported counters).
 */
export function PeerPage ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const isAdmin = useHasPermission('vpn.admin')
  const peer = useApiData<Peer>(`/api/v1/vpn/peers/${id}`)
  const history = useApiData<History>(`/api/v1/vpn/peers/${id}/history`)
  const traffic = useApiData<Traffic>(`/api/v1/vpn/peers/${id}/traffic`)
  const [confirm, setConfirm] = useState(false)
  const reload = useCallback(() => { peer.reload(); history.reload(); traffic.reload() }, [peer.reload, history.reload, traffic.reload])
  useLive(useCallback(e => { if (e.data.id === id) reload() }, [id, reload]))
  if (peer.error) return <ErrorState error={peer.error} onRetry={peer.reload} />
  if (!peer.data) return <Spinner />
  const p = peer.data
  const revoke = async () => {
    await api.post(`/api/v1/vpn/peers/${id}/revoke`)
    setConfirm(false)
    toast({ kind: 'success', message: t('revokedDone', { name: p.name }) })
    reload()
  }
  const span = history.data ? Date.parse(history.data.to) - Date.parse(history.data.from) : 1
  const left = (at: string) => `${Math.max(0, ((Date.parse(at) - Date.parse(history.data!.from)) / span) * 100)}%`
  return (
    <>
      <Link to={basePath}>{t('backToPeers')}</Link>
      <div className='mz-page-header'>
        <h1>{p.name}</h1>
        {isAdmin && !p.revokedAt && <button type='button' className='mz-button mz-button--danger' onClick={() => setConfirm(true)}>{t('revoke')}</button>}
      </div>
      <PeerStatusBadge peer={p} />
      <dl className='vpn-dl'>
        <dt>{t('kind')}</dt><dd>{t(p.kind)}</dd>
        <dt>{t('address')}</dt><dd className='vpn-mono'>{[p.address4, p.address6].filter(Boolean).join(', ')}</dd>
        <dt>{t('publicKey')}</dt><dd className='vpn-mono'>{p.publicKey}</dd>
        <dt>{t('endpoint')}</dt><dd className='vpn-mono'>{p.status.endpoint ?? p.endpoint ?? '—'}</dd>
        <dt>{t('lastHandshake')}</dt><dd>{p.status.lastHandshakeAt ? fmt.dateTime(p.status.lastHandshakeAt, { seconds: true }) : t('never')}</dd>
        <dt>{t('received')} / {t('sent')}</dt><dd>{bytes(p.status.rxBytes)} / {bytes(p.status.txBytes)}</dd>
        <dt>{t('rate')}</dt><dd data-testid='vpn-rate'>{traffic.data?.current ? t('rateValue', { rx: bytes(traffic.data.current.rxRate), tx: bytes(traffic.data.current.txRate) }) : '—'}</dd>
        {p.apply && (
          <>
            <dt>{t('apply')}</dt>
            <dd data-testid='vpn-apply'>
              <ApplyBadge state={p.apply.state} />
              {p.apply.finishedAt && <> · {fmt.dateTime(p.apply.finishedAt, { seconds: true })}</>}
              {p.apply.error && <div role='note'>{t('applyError', { error: p.apply.error })}</div>}
            </dd>
          </>
        )}
        <dt>{t('keyAge', { days: p.keyAgeDays })}</dt><dd>{p.keyRotationDue ? t('keyRotationDue') : '✓'}</dd>
      </dl>

      <section className='mz-stack' aria-labelledby='vpn-history'>
        <h2 id='vpn-history'>{t('history')}</h2>
        {history.data && (
          <>
            <p>{t('uptime', { ratio: fmt.number(history.data.uptimeRatio * 100, { maximumFractionDigits: 1 }) })}</p>
            <div className='vpn-timeline' role='img' aria-label={t('uptime', { ratio: fmt.number(history.data.uptimeRatio * 100, { maximumFractionDigits: 1 }) })}>
              {history.data.items.map(s => (
                <span key={s.connectedAt} style={{ left: left(s.connectedAt), right: `${100 - parseFloat(left(s.disconnectedAt ?? history.data!.to))}%` }} />
              ))}
            </div>
            {history.data.items.length === 0
              ? <p>{t('historyEmpty')}</p>
              : (
                <table className='mz-table'>
                  <caption className='mz-visually-hidden'>{t('history')}</caption>
                  <thead><tr><th scope='col'>{t('connectedFrom')}</th><th scope='col'>{t('disconnectedAt')}</th></tr></thead>
                  <tbody>
                    {history.data.items.slice(0, 50).map(s => (
                      <tr key={s.connectedAt}><td>{fmt.dateTime(s.connectedAt, { seconds: true })}</td><td>{s.disconnectedAt ? fmt.dateTime(s.disconnectedAt, { seconds: true }) : t('stillConnected')}</td></tr>
                    ))}
                  </tbody>
                </table>
                )}
          </>
        )}
      </section>

      {traffic.data && traffic.data.items.some(s => s.rxRate !== null) && (
        <section className='mz-stack' aria-labelledby='vpn-traffic'>
          <h2 id='vpn-traffic'>{t('traffic')}</h2>
          <TimeSeriesChart
            title={t('rateChart')}
            formatValue={v => `${bytes(v)}/s`}
            series={[
              { name: t('received'), points: traffic.data.items.filter(s => s.rxRate !== null).map(s => ({ t: s.at, v: s.rxRate! })) },
              { name: t('sent'), points: traffic.data.items.filter(s => s.txRate !== null).map(s => ({ t: s.at, v: s.txRate! })) }
            ]}
          />
          <details>
            <summary>{t('rateTable')}</summary>
            <table className='mz-table'>
              <caption className='mz-visually-hidden'>{t('rateTable')}</caption>
              <thead><tr><th scope='col'>{t('at')}</th><th scope='col'>{t('receivedRate')}</th><th scope='col'>{t('sentRate')}</th></tr></thead>
              <tbody>
                {traffic.data.items.filter(s => s.rxRate !== null).slice(-50).reverse().map(s => (
                  <tr key={s.at}>
                    <td>{fmt.dateTime(s.at, { seconds: true })}{s.reset && <> · {t('rateReset')}</>}</td>
                    <td>{bytes(s.rxRate!)}/s</td>
                    <td>{bytes(s.txRate ?? 0)}/s</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </section>
      )}

      <Dialog open={confirm} onClose={() => setConfirm(false)} title={t('revoke')} role='alertdialog' footer={<>
        <button type='button' className='mz-button' onClick={() => setConfirm(false)}>{t('cancel')}</button>
        <button type='button' className='mz-button mz-button--danger' onClick={() => { revoke().catch(err => toast({ kind: 'error', message: String((err as Error).message) })) }}>{t('revoke')}</button>
      </>}>
        <p>{t('revokeConfirm', { name: p.name })}</p>
      </Dialog>
    </>
  )
}

function ApplyBadge ({ state }: { state: 'pending' | 'applied' | 'failed' }) {
  const t = useT(messages)
  const tone = state === 'applied' ? 'success' : state === 'failed' ? 'danger' : 'neutral'
  return <StatusBadge status={state} label={t(`apply_${state}`)} tone={tone} />
}
