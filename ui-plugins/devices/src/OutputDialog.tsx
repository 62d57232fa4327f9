import { useFormat, useT } from '@monozu/ui-sdk'
import { Dialog } from '@monozu/ui-sdk/components'
import { CommandStateBadge } from './badges.tsx'
import { useDuration } from './display.tsx'
import { messages } from './messages.ts'
import type { Command } from './types.ts'

/** One command in full: its timeline, payload, error and output (marked when the API cut it). */
export function OutputDialog ({ command: c, onClose }: { command: Command | null, onClose: () => void }) {
  const t = useT(messages)
  const fmt = useFormat()
  const duration = useDuration()
  const at = (iso: string | null) => (iso ? fmt.dateTime(iso, { seconds: true }) : '–')
  return (
    <Dialog open={c !== null} onClose={onClose} title={c ? t('commandTitle', { type: c.type }) : ''}>
      {c && (
        <div className='mz-stack devices-output devices-wide'>
          <dl className='devices-dl devices-dl--compact'>
            <div><dt>{t('state')}</dt><dd><CommandStateBadge state={c.state} /></dd></div>
            <div><dt>{t('exitCode')}</dt><dd>{c.exitCode ?? '–'}</dd></div>
            <div><dt>{t('duration')}</dt><dd>{c.durationMs != null ? duration(c.durationMs) : '–'}</dd></div>
            <div><dt>{t('created')}</dt><dd>{at(c.createdAt)}</dd></div>
            <div><dt>{t('sent')}</dt><dd>{at(c.sentAt)}</dd></div>
            <div><dt>{t('finished')}</dt><dd>{at(c.finishedAt)}</dd></div>
            <div><dt>{t('ttl')}</dt><dd>{c.ttlSeconds} s</dd></div>
            <div><dt>{t('timeout')}</dt><dd>{c.timeoutSeconds} s</dd></div>
          </dl>
          {c.error && <p className='devices-problem' role='note'>{c.error}</p>}
          {c.payload && Object.keys(c.payload).length > 0 && (
            <div>
              <h3 className='devices-h3'>{t('payload')}</h3>
              <pre className='devices-pre'>{JSON.stringify(c.payload, null, 2)}</pre>
            </div>
          )}
          <div>
            <h3 className='devices-h3'>{t('output')}</h3>
            {c.output == null || c.output === ''
              ? <p className='mz-muted'>{c.finishedAt ? t('noOutput') : t('outputPending')}</p>
              : (
                <pre className='devices-pre' data-testid='devices-output' tabIndex={0} aria-label={t('output')}>
                  {c.output}
                  {c.outputTruncated && <span className='devices-truncated'>{'\n'}{t('truncatedMarker')}</span>}
                </pre>
                )}
            {c.outputTruncated && <p className='devices-warning' role='note'>{t('truncatedNote')}</p>}
          </div>
        </div>
      )}
    </Dialog>
  )
}
