import { useT } from '@monozu/ui-sdk'
import { messages } from './messages.ts'

/** Says what this console is not: provisioning and licence issuing live in management. */
export function ManagementNote () {
  const t = useT(messages)
  return <p className='admin-note' role='note'>{t('managementNote')}</p>
}
