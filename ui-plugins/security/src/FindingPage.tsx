import { useState } from 'react'
import { DelayedSpinner, ErrorState, Link, describeError, joinPath, useApi, useApiData, useFormat, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { assetPath } from './AssetPage.tsx'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { SectionNav, SeverityBadge, StateBadge } from './shared.tsx'
import { assetName, type Finding } from './types.ts'

/** The explanation as one sentence in the reader's language, built from the data the API returns. */
export function useExplanationSentence (f: Finding | undefined): string[] {
  const t = useT(messages)
  const fmt = useFormat()
  if (!f) return []
  const e = f.explanation
  if (!e) return [f.sentence]
  const comparison = e.comparisons.filter(c => !(c.bound === 'introduced' && c.value === '0'))
    .map(c => (c.bound === 'listed' ? `${c.version} ${t('bound.listed')}` : `${c.version} ${c.op} ${t(`bound.${c.bound}`)} ${c.value}`)).join(', ') + (e.scheme ? ` (${e.scheme})` : '')
  return [
    t('why', { asset: assetName(f), pkg: e.inventory.name, version: e.inventory.version, ecosystem: e.inventory.ecosystem, source: e.inventory.source, observed: fmt.dateTime(e.inventory.observedAt), advisory: e.advisory.id, comparison }),
    ...(e.affected.criterion ? [t('whyCriterion', { criterion: e.affected.criterion.criteria })] : []),
    ...(e.affected.requires && e.affected.requires.length > 0 ? [t('whyRequires', { requires: e.affected.requires.join(', ') })] : []),
    e.fixedVersion ? t('whyFixed', { fixed: e.fixedVersion }) : t('whyNoFix')
  ]
}

function Triage ({ f, onDone }: { f: Finding, onDone: () => void }) {
  const t = useT(messages)
  const api = useApi()
  const [mode, setMode] = useState<'accept' | 'fp' | null>(null)
  const [reason, setReason] = useState('')
  const [until, setUntil] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async () => {
    if (reason.trim().length < 3) { setError(t('reasonRequired')); return }
    if (mode === 'accept' && !until) { setError(t('untilRequired')); return }
    try {
      if (mode === 'accept') await api.post(`/api/v1/security/findings/${f.id}/accept-risk`, { reason: reason.trim(), until: new Date(`${until}T23:59:59`).toISOString() })
      else await api.post(`/api/v1/security/findings/${f.id}/false-positive`, { reason: reason.trim() })
      setMode(null); setReason(''); setError(null); onDone()
    } catch (err) { setError(describeError(err, t).message) }
  }
  if (f.state === 'fixed' || f.state === 'withdrawn') return null
  if (f.state !== 'open') return <button type='button' className='mz-button' onClick={() => { void api.post(`/api/v1/security/findings/${f.id}/reopen`, {}).then(onDone) }}>{t('reopen')}</button>
  if (!mode) {
    return (
      <div className='sec-actions'>
        <button type='button' className='mz-button' onClick={() => setMode('accept')}>{t('acceptRisk')}</button>
        <button type='button' className='mz-button' onClick={() => setMode('fp')}>{t('falsePositive')}</button>
      </div>
    )
  }
  return (
    <form className='sec-form' onSubmit={e => { e.preventDefault(); void submit() }}>
      <label>{t('reason')}<textarea value={reason} onChange={e => setReason(e.target.value)} maxLength={1000} aria-required='true' /></label>
      {mode === 'accept' && <label>{t('until')}<input type='date' value={until} onChange={e => setUntil(e.target.value)} aria-required='true' /></label>}
      {error && <p role='alert' className='sec-error'>{error}</p>}
      <div className='sec-actions'>
        <button type='submit' className='mz-button mz-button--primary'>{t('save')}</button>
        <button type='button' className='mz-button' onClick={() => { setMode(null); setError(null) }}>{t('cancel')}</button>
      </div>
    </form>
  )
}

export function FindingPage ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const triage = useHasPermission('security.triage')
  const data = useApiData<Finding>(`/api/v1/security/findings/${id}`)
  useLive(e => { if (e.event === 'findings.changed') data.reload() })
  const f = data.data
  const sentence = useExplanationSentence(f)
  if (data.error) return <ErrorState error={data.error} onRetry={data.reload} />
  if (!f) return <DelayedSpinner />
  const e = f.explanation
  return (
    <div className='sec-page'>
      <p><Link to={joinPath(basePath, '/findings')}>← {t('findings')}</Link></p>
      <h1>{f.vulnerabilityId}{f.aliases.length > 0 ? ` · ${f.aliases.join(', ')}` : ''}</h1>
      <SectionNav basePath={basePath} />
      <p><SeverityBadge severity={f.severity} /> <StateBadge state={f.state} /> {f.kev && <span className='mz-badge mz-badge--danger'>{t('kev')}</span>}</p>
      <p>{t('asset')}: <Link to={assetPath(basePath, f.assetKey)}>{assetName(f)}</Link></p>
      {f.summary && <p>{f.summary}</p>}
      <section aria-labelledby='sec-why'>
        <h2 id='sec-why'>{t('whyTitle')}</h2>
        {sentence.map(s => <p key={s} className='sec-why'>{s}</p>)}
        {e && (
          <>
            <h3>{t('comparisons')}</h3>
            <table className='mz-table'>
              <thead><tr><th scope='col'>{t('version')}</th><th scope='col'>{t('op')}</th><th scope='col'>{t('bound')}</th><th scope='col'>{t('value')}</th></tr></thead>
              <tbody>{e.comparisons.map((c, i) => <tr key={i}><td><code>{c.version}</code></td><td>{c.op}</td><td>{t(`bound.${c.bound}`)}</td><td><code>{c.value}</code></td></tr>)}</tbody>
            </table>
            {e.affected.events && <><h3>{t('rangeTitle')}</h3><pre className='sec-pre'>{JSON.stringify({ type: e.affected.rangeType, events: e.affected.events }, null, 2)}</pre></>}
            <h3>{t('scoring')}</h3>
            <ul>
              <li>{t('cvss')}: {e.severity.cvss ? `${fmt.number(e.severity.cvss.score)} (${e.severity.cvss.vector})` : '—'}{e.severity.source ? ` · ${t('severitySource', { source: e.severity.source })}` : ''}</li>
              <li>{t('epss')}: {e.epss ? `${fmt.number(e.epss.epss * 100, { maximumFractionDigits: 2 })}%` : '—'}</li>
              <li>{e.kev ? t('kevListed', { date: e.kev.date_added ?? '?', due: e.kev.due_date ?? '?' }) : t('notKev')}</li>
              <li>{t('risk')}: {fmt.number(f.riskScore)} · {t('due')}: {f.dueAt ? fmt.day(f.dueAt) : '—'}</li>
            </ul>
          </>
        )}
      </section>
      {f.stateReason && <p>{t('reason')}: {f.stateReason}{f.acceptedUntil ? ` · ${t('until')} ${fmt.day(f.acceptedUntil)}` : ''}</p>}
      {triage && <Triage f={f} onDone={data.reload} />}
    </div>
  )
}
