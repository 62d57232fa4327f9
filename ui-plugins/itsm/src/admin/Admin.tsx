import { useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from '../messages.ts'

export function Admin ({ section }: ModuleProps & { section: string }) {
  const t = useT(messages)
  return <h1>{t('adminTitle')} {section}</h1>
}
