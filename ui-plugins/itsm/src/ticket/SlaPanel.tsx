import { useFormat, useT } from '@monozu/ui-sdk'
import { clockState, SlaStateBadge } from '../display.tsx'
import { SLA_TARGETS, type SlaTarget, type Ticket } from '../types.ts'
import { ticketMessages } from './messages.ts'

/**
 * The ticket's SLA clocks: each target's due time, its state in words, and the server's sentence
 * explaining it ("due Tue 14:00 Europe/Warsaw: 8 business hours from Mon 14:00, paused 2 h while
 * pending, 1 Nov holiday skipped") in the user's language.
 */
export function SlaPanel ({ ticket }: { ticket: Ticket }) {
  const t = useT(ticketMessages)
  const fmt = useFormat()
  const sla = ticket.sla
  const metAt: Record<SlaTarget, string | null | undefined> = { firstResponse: ticket.firstResponseAt, nextUpdate: null, resolution: ticket.resolvedAt }
  const shown = SLA_TARGETS.filter(k => sla?.[k]?.due || sla?.[k]?.explanation || sla?.[k]?.breachedAt)
  return (
    <section className='mz-card mz-stack' aria-labelledby='itsm-sla' data-testid='sla'>
      <h2 id='itsm-sla' className='mz-card__title'>{t('slaTitle')}</h2>
      {!sla?.policyId
        ? <p className='mz-muted'>{t('noSla')}</p>
        : (
          <>
            {sla.paused && <p className='itsm-note'>{t('slaPaused')}</p>}
            {sla.breached && <p className='itsm-problem'>{t('slaBreached')}</p>}
            <dl className='itsm-sla'>
              {shown.map(k => {
                const clock = sla[k]!
                const met = Boolean(metAt[k])
                const state = clockState(clock, sla.paused && !met, met)
                return (
                  <div key={k} data-target={k}>
                    <dt>{t(`target.${k}`)}</dt>
                    <dd>
                      <div className='itsm-sla__when'>
                        <SlaStateBadge state={state} />
                        {clock.due
                          ? <time dateTime={clock.due} title={fmt.relative(clock.due)}>{fmt.dateTime(clock.due)}</time>
                          : <span className='mz-muted'>{t('noDueWhilePaused')}</span>}
                        {met && metAt[k] && <span className='mz-muted itsm-small'>{t('metAt', { at: fmt.dateTime(metAt[k]!) })}</span>}
                      </div>
                      {clock.explanation && <p className='itsm-sla__why'>{t.pick(clock.explanation)}</p>}
                    </dd>
                  </div>
                )
              })}
            </dl>
          </>
          )}
    </section>
  )
}
