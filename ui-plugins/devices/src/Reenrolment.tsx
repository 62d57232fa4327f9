import { useState } from 'react'
import { describeError, useApi, useFormat, useT, useToast } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { When } from './display.tsx'
import { messages } from './messages.ts'
import { Secret } from './Secret.tsx'
import type { Device, ReenrolmentToken } from './types.ts'

// Inside a double-quoted shell word only these four keep a meaning.
const shellDoubleQuoted = (s: string) => s.replace(/[\\"$`]/g, m => '\\' + m)

/**
 * The registration call with the device's recorded hardware id: a re-imaged appliance may have a
 * new machine id, and the token only works with the hardware id of its device.
 */
export function reenrolCommand (origin: string, token: string, hardwareId: string): string {
  return [
    `curl -sS -X POST '${origin}/api/v1/devices/register' \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -H 'X-Enrollment-Token: ${token}' \\`,
    `  -d "{\\"hostname\\":\\"$(hostname)\\",\\"os\\":\\"$(uname -sr)\\",\\"agentVersion\\":\\"1.0.0\\",\\"hardwareId\\":${shellDoubleQuoted(JSON.stringify(hardwareId))}}"`
  ].join('\n')
}

/**
 * Re-enrol (admins): after a confirmation, a one-time token bound to this device, shown once. The
 * device's current key keeps working until the appliance registers with it.
 */
export function ReenrolAction ({ device, disabled }: { device: Device, disabled: boolean }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const [confirm, setConfirm] = useState(false)
  const [busy, setBusy] = useState(false)
  const [issued, setIssued] = useState<ReenrolmentToken | null>(null)

  const issue = async () => {
    setBusy(true)
    try {
      setIssued(await api.post<ReenrolmentToken>(`/api/v1/devices/${encodeURIComponent(device.id)}/reenrollment`, {}))
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setBusy(false); setConfirm(false) }
  }

  return (
    <>
      <button type='button' className='mz-button' onClick={() => setConfirm(true)} disabled={disabled || busy}>{t('reenrol')}</button>
      <Dialog
        open={confirm}
        onClose={() => setConfirm(false)}
        title={t('reenrolTitle', { name: device.hostname })}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setConfirm(false)} data-autofocus>{t('common.cancel')}</button>
          <button type='button' className='mz-button mz-button--primary' onClick={() => { void issue() }} disabled={busy}>{busy ? t('creating') : t('reenrolCreate')}</button>
        </>}
      >
        <p>{t('reenrolBody')}</p>
      </Dialog>
      <Dialog
        open={issued !== null}
        onClose={() => setIssued(null)}
        title={t('reenrolTokenTitle', { name: device.hostname })}
        footer={<button type='button' className='mz-button mz-button--primary' onClick={() => setIssued(null)}>{t('keyCopiedDone')}</button>}
      >
        {issued && (
          <div className='mz-stack'>
            <p className='devices-once' role='note'>{t('shownOnce')}</p>
            <Secret label={t('reenrolToken')} value={issued.token} testId='devices-reenrol-token' />
            <p>{t('reenrolValid', { date: fmt.dateTime(issued.expiresAt) })} (<When at={issued.expiresAt} />)</p>
            <Secret label={t('exampleCommand')} value={reenrolCommand(window.location.origin, issued.token, issued.hardwareId)} />
            <p className='mz-muted devices-small'>{t('reenrolHint')}</p>
          </div>
        )}
      </Dialog>
    </>
  )
}
