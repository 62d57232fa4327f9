import { useState } from 'react'
import {
  EmptyState, Link, describeError, joinPath, useApi, useFormat, useHasPermission, useT, useToast, type ModuleProps
} from '@monozu/ui-sdk'
import { CursorTable, Dialog, type Column } from '@monozu/ui-sdk/components'
import { TokenStateBadge } from './badges.tsx'
import { CreateTokenDialog } from './CreateTokenDialog.tsx'
import { Tags, When } from './display.tsx'
import { messages } from './messages.ts'
import { SectionNav } from './SectionNav.tsx'
import type { EnrollmentToken } from './types.ts'
import { useCursorList } from '@monozu/ui-sdk/components'

/** Enrollment tokens (devices.admin): list, create (shown once), revoke. */
export function EnrollmentTokens ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const admin = useHasPermission('devices.admin')
  if (!admin) {
    return (
      <div className='mz-stack devices'>
        <h1>{t('tokensTitle')}</h1>
        <EmptyState title={t('adminsOnly')} action={<Link className='mz-button' to={basePath}>{t('backToList')}</Link>} />
      </div>
    )
  }
  return <TokenList basePath={basePath} />
}

function TokenList ({ basePath }: ModuleProps) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const [includeRevoked, setIncludeRevoked] = useState(false)
  const [creating, setCreating] = useState(false)
  const [revoking, setRevoking] = useState<EnrollmentToken | null>(null)
  const [busy, setBusy] = useState(false)
  const list = useCursorList<EnrollmentToken>('/api/v1/devices/enrollment-tokens', { includeRevoked: includeRevoked || undefined, limit: 50 })

  const revoke = async (token: EnrollmentToken) => {
    setBusy(true)
    try {
      await api.del(`/api/v1/devices/enrollment-tokens/${encodeURIComponent(token.id)}`)
      toast({ kind: 'success', message: t('tokenRevoked', { prefix: token.prefix }) })
      list.reload()
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally { setBusy(false); setRevoking(null) }
  }

  const columns: Column<EnrollmentToken>[] = [
    {
      key: 'prefix',
      header: t('token'),
      render: tk => (
        <div>
          <code className='devices-strong'>{tk.prefix}…</code>
          {tk.description && <div className='mz-muted devices-small'>{tk.description}</div>}
          {tk.deviceId && <div className='mz-muted devices-small'><Link to={joinPath(basePath, `/${encodeURIComponent(tk.deviceId)}`)}>{t('reenrolmentOf')}</Link></div>}
        </div>
      )
    },
    { key: 'state', header: t('state'), render: tk => <TokenStateBadge state={tk.state} /> },
    { key: 'site', header: t('site'), render: tk => tk.site ?? <span className='mz-muted' aria-hidden='true'>–</span> },
    { key: 'tags', header: t('tags'), render: tk => <Tags tags={tk.tags} />, sortable: false },
    { key: 'uses', header: t('uses'), align: 'end', render: tk => (tk.maxUses == null ? fmt.number(tk.uses) : t('usesOf', { uses: fmt.number(tk.uses), max: fmt.number(tk.maxUses) })) },
    { key: 'expiresAt', header: t('expires'), render: tk => <When at={tk.expiresAt} /> },
    { key: 'createdAt', header: t('created'), render: tk => <When at={tk.createdAt} /> },
    {
      key: 'actions',
      header: t('actions'),
      sortable: false,
      render: tk => tk.state === 'revoked'
        ? <When at={tk.revokedAt} />
        : <button type='button' className='mz-button' onClick={() => setRevoking(tk)} aria-label={t('revokeTokenOf', { prefix: tk.prefix })}>{t('revoke')}</button>
    }
  ]

  return (
    <div className='mz-stack devices'>
      <div className='mz-page-header'>
        <h1>{t('tokensTitle')}</h1>
        <button type='button' className='mz-button mz-button--primary' onClick={() => setCreating(true)}>{t('createToken')}</button>
      </div>
      <SectionNav basePath={basePath} />
      <p className='mz-muted devices-intro'>{t('tokensIntro')}</p>
      <CursorTable list={list} caption={t('tokensTitle')} columns={columns} rowKey={tk => tk.id}
        toolbar={(
          <label className='devices-check'>
            <input type='checkbox' checked={includeRevoked} onChange={e => setIncludeRevoked(e.target.checked)} />
            {t('showRevoked')}
          </label>
        )}
        empty={<EmptyState title={t('noTokens')}>{t('noTokensHint')}</EmptyState>}
      />
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} onCreated={list.reload} />
      <Dialog
        open={revoking !== null}
        role='alertdialog'
        onClose={() => setRevoking(null)}
        title={t('revokeTokenTitle')}
        footer={<>
          <button type='button' className='mz-button' onClick={() => setRevoking(null)} data-autofocus>{t('common.cancel')}</button>
          <button type='button' className='mz-button mz-button--danger' disabled={busy} onClick={() => { if (revoking) void revoke(revoking) }}>{t('revoke')}</button>
        </>}
      >
        <p>{t('revokeTokenBody', { prefix: revoking?.prefix ?? '' })}</p>
      </Dialog>
    </div>
  )
}
