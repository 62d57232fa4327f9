import { useState } from 'react'
import { ErrorState, describeError, useApi, useFormat, useT, useToast } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { When } from './display.tsx'
import { messages } from './messages.ts'
import { ReenrolAction } from './Reenrolment.tsx'
import { Secret } from './Secret.tsx'
import type { Device } from './types.ts'

interface Rotated { deviceKey: string, previousKeyValidUntil: string | null }

/** Device keys (admins): rotate, showing the new key once; re-enrol; revoke after a confirmation. */
export function KeyPanel ({ device, onChange }: { device: Device, onChange: (d: Device) => void }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const [busy, setBusy] = useState<'rotate' | 'revoke' | null>(null)
  const [rotated, setRotated] = useState<Rotated | null>(null)
  const [confirm, setConfirm] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const path = `/api/v1/devices/${encodeURIComponent(device.id)}`
  const revoked = device.status === 'revoked' || device.revokedAt !== null

  const rotate = async () => {
    setBusy('rotate'); setError(null)
    try {
      setRotated(await api.post<Rotated>(`${path}/rotate-key`))
      // The list of key prefixes changed: read the device again.
      api.get<Device>(path).then(onChange, () => {})
    } catch (err) { setError(err) } finally { setBusy(null) }
  }

  const revoke = async () => {
    setBusy('revoke'); setError(null)
    try {
      onChange(await api.post<Device>(`${path}/revoke`))
      setConfirm(false)
      toast({ kind: 'success', message: t('revokedToast', { name: device.hostname }) })
    } catch (err) {
      setConfirm(false)
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setBusy(null) }
  }

  return (
    <section className='mz-card' aria-labelledby='devices-keys-title'>
      <h2 id='devices-keys-title' className='mz-card__title'>{t('keys')}</h2>
      {device.keyPrefixes.length > 0
        ? <ul className='devices-keylist' aria-label={t('keyPrefixes')}>{device.keyPrefixes.map(p => <li key={p}><code>{p}…</code></li>)}</ul>
        : !revoked && <p className='mz-muted'>{t('noKeys')}</p>}
      {revoked
        ? (
          <>
            <p className='mz-muted'>{t('revokedNote', { date: device.revokedAt ? fmt.dateTime(device.revokedAt) : '–' })}</p>
            <div className='mz-row'><ReenrolAction device={device} disabled={busy !== null} /></div>
          </>
          )
        : (
          <div className='mz-row'>
            <button type='button' className='mz-button' onClick={() => { void rotate() }} disabled={busy !== null}>{busy === 'rotate' ? t('rotating') : t('rotateKey')}</button>
            <ReenrolAction device={device} disabled={busy !== null} />
            <button type='button' className='mz-button mz-button--danger' onClick={() => setConfirm(true)} disabled={busy !== null}>{t('revokeDevice')}</button>
          </div>
          )}
      {error !== null && <ErrorState error={error} />}

      <Dialog
        open={rotated !== null}
        onClose={() => setRotated(null)}
        title={t('newKeyTitle')}
        footer={<button type='button' className='mz-button mz-button--primary' onClick={() => setRotated(null)}>{t('keyCopiedDone')}</button>}
      >
        {rotated && (
          <div className='mz-stack'>
            <p className='devices-once' role='note'>{t('shownOnce')}</p>
            <Secret label={t('deviceKey')} value={rotated.deviceKey} testId='devices-new-key' />
            <p>
              {rotated.previousKeyValidUntil
                ? <>{t('overlapUntil', { date: fmt.dateTime(rotated.previousKeyValidUntil, { seconds: true }) })} (<When at={rotated.previousKeyValidUntil} />)</>
                : t('noOverlap')}
            </p>
          </div>
        )}
      </Dialog>

      <Dialog
        open={confirm}
        role='alertdialog'
        onClose={() => setConfirm(false)}
        title={t('revokeTitle', { name: device.hostname })}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setConfirm(false)} data-autofocus>{t('common.cancel')}</button>
          <button type='button' className='mz-button mz-button--danger' onClick={() => { void revoke() }} disabled={busy !== null}>{busy === 'revoke' ? t('revoking') : t('revokeDevice')}</button>
        </>}
      >
        <p>{t('revokeBody')}</p>
      </Dialog>
    </section>
  )
}
