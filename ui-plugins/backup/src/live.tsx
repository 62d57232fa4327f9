import { useCallback, useEffect, useRef } from 'react'
import { useT, type ChannelStatus } from '@monozu/ui-sdk'
import { createLiveChannel, StatusBadge, useCatchUp } from '@monozu/ui-sdk/components'

interface JobRef { jobId: string, deviceId: string | null }
/** The events of channel `backup` (plugins/backup/README.md, "Live channel"). */
export type BackupEvent =
  | { event: 'runs.changed', data: { jobIds: string[], jobCount: number, events: number, failed: number } }
  | { event: 'protection.changed', data: { jobs: JobRef[], devices: Array<{ deviceId: string }>, jobCount: number, deviceCount: number } }
  | { event: 'deadman.missed', data: { jobs: JobRef[], count: number } }

/** The module's one socket on channel `backup`: Module.tsx mounts the provider. */
export const { LiveProvider, useLive } = createLiveChannel<BackupEvent>('backup', ['runs.changed', 'protection.changed', 'deadman.missed'])

/** The jobs an event names, and whether it names all it is about (a burst lists only some). */
function named (e: BackupEvent): { jobs: JobRef[], devices: string[], complete: boolean } {
  switch (e.event) {
    case 'runs.changed': return { jobs: e.data.jobIds.map(jobId => ({ jobId, deviceId: null })), devices: [], complete: e.data.jobIds.length >= e.data.jobCount }
    case 'protection.changed': return { jobs: e.data.jobs, devices: e.data.devices.map(d => d.deviceId), complete: e.data.jobs.length >= e.data.jobCount && e.data.devices.length >= e.data.deviceCount }
    case 'deadman.missed': return { jobs: e.data.jobs, devices: [], complete: e.data.jobs.length >= e.data.count }
  }
}

/** Whether an event concerns a job or device page. */
function concerns (e: BackupEvent, ids: { jobId?: string, deviceId?: string }): boolean {
  const n = named(e)
  if (!n.complete) return true
  if (ids.jobId && n.jobs.some(j => j.jobId === ids.jobId)) return true
  if (ids.deviceId && (n.jobs.some(j => j.deviceId === ids.deviceId) || n.devices.includes(ids.deviceId))) return true
  // A run event names jobs only: a device page reads again on any of them (cheap, one device).
  return Boolean(ids.deviceId && e.event === 'runs.changed')
}

/**
 * Reads again (debounced: a burst is one read) when an event concerns what the page shows; with no
 * ids, on every event. Polls while the socket is down and reads once when it is back.
 */
export function useLiveReload (reload: () => void, ids: { jobId?: string, deviceId?: string } = {}, ms = 500): ChannelStatus {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef(reload)
  latest.current = reload
  useEffect(() => () => clearTimeout(timer.current), [])
  const soon = useCallback(() => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => latest.current(), ms)
  }, [ms])
  const status = useLive(e => { if (!ids.jobId && !ids.deviceId ? true : concerns(e, ids)) soon() })
  useCatchUp(status, soon)
  return status
}

/** Whether the page is receiving live updates. */
export function LiveBadge ({ status }: { status: ChannelStatus }) {
  const t = useT()
  const tone = status === 'open' ? 'success' : status === 'forbidden' ? 'warning' : 'neutral'
  return <span role='status' className='bak-live'><StatusBadge status={status} tone={tone} label={t(`channel.${status}`)} /></span>
}
