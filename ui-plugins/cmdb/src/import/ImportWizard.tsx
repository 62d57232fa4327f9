import { useRef, useState, type FormEvent } from 'react'
import { ApiError, EmptyState, Link, describeError, useApi, useFormat, useHasPermission, useT, type ModuleProps } from '@monozu/ui-sdk'
import { useLive } from '../live.tsx'
import { fieldErrorText } from '../problems.ts'
import { SectionNav } from '../SectionNav.tsx'
import type { ImportReport, ProblemRow } from '../types.ts'
import { importMessages } from './messages.ts'
import { FileFormat } from './FileFormat.tsx'
import { where } from './pointers.ts'
import { Report } from './Report.tsx'

/** randomUUID needs a secure context; a dev host on plain http is not one. */
function newId (): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')
}

type Step = 'choose' | 'checking' | 'checked' | 'applying' | 'done'
interface Progress { phase: string, rows: number, errors: number }

/**
 * CSV import in three steps: choose a file, see the server's dry run (per-row errors and what
 * would be created, updated or left alone; nothing changes yet), then apply it, all rows or none.
 */
export function ImportWizard ({ basePath }: ModuleProps) {
  const t = useT(importMessages)
  const write = useHasPermission('cmdb.write')
  if (!write) {
    return (
      <div className='mz-stack cmdb'>
        <h1>{t('importTitle')}</h1>
        <SectionNav basePath={basePath} />
        <EmptyState title={t('writersOnly')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
      </div>
    )
  }
  return <Wizard basePath={basePath} />
}

function Wizard ({ basePath }: ModuleProps) {
  const t = useT(importMessages)
  const fmt = useFormat()
  const api = useApi()
  const [step, setStep] = useState<Step>('choose')
  const [file, setFile] = useState<File | null>(null)
  const [emptyCells, setEmptyCells] = useState<'clear' | 'keep'>('clear')
  const [message, setMessage] = useState('')
  const [fileError, setFileError] = useState<string | null>(null)
  const [problem, setProblem] = useState<{ error: unknown, rows: ProblemRow[] } | null>(null)
  const [report, setReport] = useState<ImportReport | null>(null)
  const [progress, setProgress] = useState<Progress | null>(null)
  const input = useRef<HTMLInputElement>(null)

  // The server reports progress of long files on the channel under the request id we choose.
  const requestId = useRef('')
  useLive(e => { if (e.event === 'import.progress' && e.data.importId === requestId.current) setProgress(e.data) })

  const send = (dryRun: boolean) => {
    requestId.current = newId()
    return api.post<ImportReport>('/api/v1/cmdb/import', file, {
      query: { dryRun, emptyCells, message: message.trim() || undefined },
      headers: { 'content-type': 'text/csv', 'x-request-id': requestId.current }
    })
  }

  const fail = (err: unknown, back: Step) => {
    setProblem({ error: err, rows: err instanceof ApiError ? err.errors.map(e => ({ in: e.in ?? '', pointer: e.pointer ?? '', message: e.message, ...(e.rule ? { rule: e.rule } : {}) })) : [] })
    setStep(back)
  }

  const check = async (e: FormEvent) => {
    e.preventDefault()
    setProblem(null)
    if (!file) { setFileError(t('fileRequired')); input.current?.focus(); return }
    setStep('checking'); setProgress(null); setReport(null)
    try {
      setReport(await send(true))
      setStep('checked')
    } catch (err) { fail(err, 'choose') }
  }

  const apply = async () => {
    setProblem(null); setProgress(null)
    setStep('applying')
    try {
      setReport(await send(false))
      setStep('done')
    } catch (err) { fail(err, 'checked') }
  }

  const restart = () => {
    setStep('choose'); setFile(null); setReport(null); setProblem(null); setFileError(null)
    if (input.current) input.current.value = ''
  }

  const steps: Array<[Step[], string]> = [[['choose'], t('stepFile')], [['checking', 'checked'], t('stepCheck')], [['applying', 'done'], t('stepApply')]]
  const problemText = problem && describeError(problem.error, t)
  const changes = report ? report.created + report.updated : 0

  return (
    <div className='mz-stack cmdb'>
      <h1>{t('importTitle')}</h1>
      <SectionNav basePath={basePath} />
      <ol className='cmdb-steps' aria-label={t('steps')}>
        {steps.map(([names, label], i) => (
          <li key={label} aria-current={names.includes(step) ? 'step' : undefined} className={steps.findIndex(([n]) => n.includes(step)) > i ? 'cmdb-steps__done' : undefined}>
            <span className='cmdb-steps__n' aria-hidden='true'>{i + 1}</span>{label}
          </li>
        ))}
      </ol>

      {problemText && (
        <div className='cmdb-problem' role='alert' data-testid='cmdb-import-problem'>
          <p className='cmdb-strong'>{problem?.error instanceof ApiError && problem.error.code === 'conflict' ? t('changedMeanwhile') : problemText.message}</p>
          {problem && problem.rows.length > 0 && (
            <ul>{problem.rows.slice(0, 20).map((r, i) => <li key={i}><span className='cmdb-strong'>{where(r.pointer, t)}</span>: {fieldErrorText(r, r.pointer.split('/')[3] ?? '', undefined, t)}</li>)}</ul>
          )}
          {problemText.code && <p className='mz-muted cmdb-small'>{t('error.code', { code: problemText.code })}</p>}
        </div>
      )}

      {(step === 'choose' || step === 'checking') && (
        <section className='mz-card' aria-labelledby='cmdb-import-file-title'>
          <h2 id='cmdb-import-file-title' className='mz-card__title'>{t('stepFile')}</h2>
          <form className='mz-stack' onSubmit={e => { void check(e) }} noValidate>
            <p className='cmdb-intro'>{t('fileIntro')}</p>
            <div className={`mz-field cmdb-narrow${fileError ? ' mz-field--invalid' : ''}`}>
              <label className='mz-field__label' htmlFor='cmdb-import-file'>{t('csvFile')}<span className='mz-field__required' aria-hidden='true'> *</span></label>
              <input ref={input} id='cmdb-import-file' type='file' accept='.csv,text/csv' className='mz-input' required aria-invalid={fileError ? true : undefined}
                aria-describedby={`cmdb-import-file-hint${fileError ? ' cmdb-import-file-error' : ''}`}
                onChange={e => { setFile(e.target.files?.[0] ?? null); setFileError(null); setProblem(null) }} />
              <p className='mz-field__hint' id='cmdb-import-file-hint'>{t('csvFileHint')}</p>
              {fileError && <p className='mz-field__error' id='cmdb-import-file-error'>{fileError}</p>}
            </div>
            <fieldset className='cmdb-radios'>
              <legend className='mz-field__label'>{t('emptyCells')}</legend>
              <label><input type='radio' name='emptyCells' checked={emptyCells === 'clear'} onChange={() => setEmptyCells('clear')} /> {t('emptyClear')}</label>
              <label><input type='radio' name='emptyCells' checked={emptyCells === 'keep'} onChange={() => setEmptyCells('keep')} /> {t('emptyKeep')}</label>
            </fieldset>
            <div className='mz-field cmdb-narrow'>
              <label className='mz-field__label' htmlFor='cmdb-import-message'>{t('importMessage')}</label>
              <input id='cmdb-import-message' className='mz-input' value={message} maxLength={500} placeholder={t('importMessageHint')} onChange={e => setMessage(e.target.value)} />
            </div>
            <div className='mz-row'>
              <button type='submit' className='mz-button mz-button--primary' disabled={step === 'checking'}>{step === 'checking' ? t('checking') : t('checkFile')}</button>
              {step === 'checking' && <ProgressNote progress={progress} />}
            </div>
          </form>
        </section>
      )}

      {(step === 'checked' || step === 'applying') && report && (
        <section className='mz-card mz-stack' aria-labelledby='cmdb-dry-title'>
          <div className='cmdb-card-header'>
            <h2 id='cmdb-dry-title' className='mz-card__title'>{t('dryRunTitle')}</h2>
            <span className='mz-muted cmdb-small'>{file?.name}</span>
          </div>
          <p className='cmdb-note' role='note'>{t('dryRunNote')}</p>
          <Report report={report} basePath={basePath} />
          <div className='mz-row'>
            {report.errorCount > 0
              ? <p className='cmdb-strong' role='status'>{t('fixAndRetry', { count: fmt.number(report.errorCount) })}</p>
              : (
                <button type='button' className='mz-button mz-button--primary' onClick={() => { void apply() }} disabled={step === 'applying' || changes === 0}>
                  {step === 'applying' ? t('applying') : changes === 0 ? t('nothingToApply') : t('applyRows', { count: fmt.number(changes) })}
                </button>
                )}
            <button type='button' className='mz-button' onClick={restart} disabled={step === 'applying'}>{report.errorCount > 0 ? t('chooseFixedFile') : t('chooseOtherFile')}</button>
            {step === 'applying' && <ProgressNote progress={progress} />}
          </div>
        </section>
      )}

      {step === 'done' && report && (
        <section className='mz-card mz-stack' aria-labelledby='cmdb-done-title'>
          <h2 id='cmdb-done-title' className='mz-card__title'>{t('doneTitle')}</h2>
          <p role='status' className='cmdb-success'>{t('doneSummary', { created: fmt.number(report.created), updated: fmt.number(report.updated), unchanged: fmt.number(report.unchanged) })}</p>
          <Report report={report} basePath={basePath} />
          <div className='mz-row'>
            <Link className='mz-button mz-button--primary' to={basePath}>{t('viewCis')}</Link>
            <button type='button' className='mz-button' onClick={restart}>{t('importAnother')}</button>
          </div>
        </section>
      )}
      {step === 'choose' && <FileFormat basePath={basePath} />}
    </div>
  )
}

function ProgressNote ({ progress }: { progress: Progress | null }) {
  const t = useT(importMessages)
  const fmt = useFormat()
  return <span role='status' className='cmdb-progress'><span className='cmdb-spinner' aria-hidden='true' />{progress && progress.rows > 0 ? t('progressRows', { rows: fmt.number(progress.rows) }) : t('working')}</span>
}
