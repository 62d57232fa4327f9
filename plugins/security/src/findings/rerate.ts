import type { Transaction } from '@monozu/kernel'

/** The EPSS publication the platform holds now: its score date and ETag (null before any sync). */
export async function epssPublication (trx: Transaction): Promise<string | null> {
  const row = await trx('security_feed_state').first('etag', 'cursor').where({ feed: 'epss' }) as { etag: string | null, cursor: unknown } | undefined
  if (!row) return null
  const cursor = (typeof row.cursor === 'string' ? JSON.parse(row.cursor) : row.cursor) as { scoreDate?: string | null } | null
  return `${cursor?.scoreDate ?? ''}|${row.etag ?? ''}`
}

/**
 * Re-rates the tenant's findings against the EPSS scores held now, in one statement: EPSS, risk
 * score (the same formula as severity.ts riskScore, in float8 like JS) and the explanation's
 * `epss` part, for findings whose score changed. The CVE is the first of the advisory id and its
 * aliases that EPSS scores, as a scan picks it. Fixed and withdrawn findings keep their last rating.
 */
export async function rerateEpss (trx: Transaction): Promise<number> {
  const res = await trx.raw(`
    with rated as (
      select f.tenant_id, f.id, e.cve_id, e.epss, e.percentile
        from security_findings f
        left join lateral (
          select s.cve_id, s.epss, s.percentile
            from unnest(array[f.vulnerability_id::text] || f.aliases) with ordinality c(cve, n)
            join security_epss s on s.cve_id = c.cve
           order by c.n limit 1
        ) e on true
       where f.state not in ('fixed', 'withdrawn')
    )
    update security_findings f
       set epss = r.epss,
           risk_score = least(100, floor((coalesce(f.cvss_score::float8 * 6, 30) + coalesce(r.epss::float8, 0) * 25 + case when f.kev then 15 else 0 end) * 10 + 0.5) / 10),
           explanation = jsonb_set(f.explanation, '{epss}', case when r.cve_id is null then 'null'::jsonb
             else jsonb_build_object('cve', r.cve_id, 'epss', r.epss::float8, 'percentile', r.percentile::float8) end)
      from rated r
     where r.tenant_id = f.tenant_id and r.id = f.id and f.epss is distinct from r.epss
    returning f.id`)
  return (res.rows ?? res).length
}
