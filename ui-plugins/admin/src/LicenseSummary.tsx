import { useFormat, useT } from '@monozu/ui-sdk'
import { messages } from './messages.ts'
import type { License } from './types.ts'

/** A license's expiry, marked when it has passed (the tenant's licensed plugins are then off). */
export function Expiry ({ license }: { license: License }) {
  const t = useT(messages)
  const fmt = useFormat()
  const date = fmt.day(license.expiresAt)
  if (Date.parse(license.expiresAt) > Date.now()) return <>{date}</>
  return <span className='admin-danger'>{t('expired', { date })}</span>
}

/** Feature keys as a compact list. */
export function FeatureList ({ features }: { features: string[] }) {
  return (
    <ul className='admin-chips'>
      {features.map(f => <li key={f}>{f}</li>)}
    </ul>
  )
}
