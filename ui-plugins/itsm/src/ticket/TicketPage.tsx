import { useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from '../messages.ts'

export function TicketPage ({ id }: ModuleProps & { id: string }) {
  const t = useT(messages)
  return <h1>{t('ticketTitle', { number: id })}</h1>
}
