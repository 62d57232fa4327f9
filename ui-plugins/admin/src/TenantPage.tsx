import { useState } from 'react'
import {
  DelayedSpinner, ErrorState, Link, describeError, joinPath, useApi, useApiData, useFormat, useT, useToast, type ModuleProps
} from '@monozu/ui-sdk'
import { DataTable, type Column } from '@monozu/ui-sdk/components'
import { TenantStatusBadge } from './badges.tsx'
import { Expiry, FeatureList } from './LicenseSummary.tsx'
import { ManagementNote } from './ManagementNote.tsx'
import { messages } from './messages.ts'
import type { FeatureState, TenantDetail } from './types.ts'

/** One tenant: its license and a switch per feature (keyed by the feature, shared by its plugins). */
export function TenantPage ({ basePath, id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  const fmt = useFormat()
  const api = useApi()
  const toast = useToast()
  const { data, error, reload, setData } = useApiData<TenantDetail>(`/api/v1/admin/tenants/${encodeURIComponent(id)}`)
  const [busy, setBusy] = useState<string | null>(null)

  if (error && !data) return <ErrorState error={error} onRetry={reload} />
  if (!data) return <DelayedSpinner />
  const { tenant, license, features } = data

  const toggle = async (f: FeatureState, enabled: boolean) => {
    setBusy(f.feature)
    try {
      await api.put(`/api/v1/admin/tenants/${tenant.id}/features/${encodeURIComponent(f.feature)}`, { enabled })
      const fresh = await api.get<TenantDetail>(`/api/v1/admin/tenants/${tenant.id}`)
      setData(fresh)
      toast({ kind: 'success', message: t(enabled ? 'switchedOn' : 'switchedOff', { feature: f.feature, tenant: tenant.name }) })
    } catch (err) {
      toast({ kind: 'error', message: describeError(err, t).message })
    } finally {
      setBusy(null)
    }
  }

  const columns: Column<FeatureState>[] = [
    { key: 'plugin', header: t('plugin'), render: f => <span className='admin-mono'>{f.plugin}</span> },
    { key: 'feature', header: t('feature'), render: f => <span className='admin-mono'>{f.feature}</span> },
    { key: 'licensed', header: t('licensed'), render: f => (f.licensed ? t('yes') : t('no')) },
    {
      key: 'enabled',
      header: t('enabled'),
      sortValue: f => f.enabled,
      render: f => {
        const label = t('switchLabel', { feature: f.feature, tenant: tenant.name })
        const state = !f.licensed ? 'unlicensed' : f.switchedOff ? 'off' : 'on'
        return (
          <label className='admin-switch'>
            <input type='checkbox' role='switch' aria-label={label} checked={f.licensed && !f.switchedOff} disabled={!f.licensed || busy !== null} onChange={e => { void toggle(f, e.target.checked) }} />
            <span>{t(`featureState.${state}`)}</span>
          </label>
        )
      }
    }
  ]

  return (
    <div className='mz-stack admin'>
      <Link className='admin-back' to={joinPath(basePath, '/tenants')}>{t('backToTenants')}</Link>
      <div className='mz-page-header'>
        <h1>{tenant.name}</h1>
        <TenantStatusBadge status={tenant.status} />
      </div>
      <ManagementNote />
      <section className='mz-card' aria-labelledby='admin-license'>
        <h2 id='admin-license' className='mz-card__title'>{t('license')}</h2>
        {license
          ? (
            <dl className='admin-dl'>
              <dt>{t('features')}</dt><dd><FeatureList features={license.features} /></dd>
              <dt>{t('seats')}</dt><dd>{fmt.number(license.seats)}</dd>
              <dt>{t('expires')}</dt><dd><Expiry license={license} /></dd>
              <dt>{t('updated')}</dt><dd>{fmt.dateTime(license.updatedAt)}</dd>
            </dl>
            )
          : <p className='admin-muted'>{t('noLicense')}. {t('noLicenseHint')}</p>}
        <p className='admin-links'>
          <Link to={`${joinPath(basePath, '/jobs')}?tenant=${tenant.id}`}>{t('tenantJobs')}</Link>
          <Link to={`${joinPath(basePath, '/audit')}?tenant=${tenant.id}`}>{t('tenantAudit')}</Link>
        </p>
      </section>
      <section className='mz-stack' aria-labelledby='admin-features'>
        <h2 id='admin-features'>{t('tenantFeatures', { name: tenant.name })}</h2>
        <p className='admin-muted'>{t('featuresHint')}</p>
        <DataTable caption={t('tenantFeatures', { name: tenant.name })} hideCaption rows={features} columns={columns} rowKey={f => f.plugin} pageSize={200} filterable={false} />
      </section>
    </div>
  )
}
