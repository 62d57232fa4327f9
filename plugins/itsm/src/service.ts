import { defineServiceRef } from '@monozu/kernel'

/** Reserved for what ITSM will offer other plugins (e.g. opening a ticket); nothing yet. */
export type ItsmService = Record<string, never>
export const itsmService = defineServiceRef<ItsmService>({ id: 'itsm', version: '0.1.0' })
