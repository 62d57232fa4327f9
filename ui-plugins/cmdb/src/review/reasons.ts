import type { T } from '@monozu/ui-sdk'

const field = (t: T, key: string) => (t.has(`field.${key}`) ? t(`field.${key}`).toLocaleLowerCase(t.lang) : key)

/**
 * Why reconciliation filed an item, in the user's language. The API gives a short English
 * sentence (plugins/cmdb/src/discovery/reconcile.ts); the known ones are recognised and
 * translated, anything else is shown as sent.
 */
export function reasonText (reason: string, t: T): string {
  let m: RegExpExecArray | null
  if ((m = /^several CIs share the (\w+)$/.exec(reason))) return t('reason.shared', { field: field(t, m[1]!) })
  if ((m = /^matched by (\w+), but the MACs differ$/.exec(reason))) return t('reason.differs', { field: field(t, m[1]!), other: field(t, 'macs') })
  if ((m = /^matched by (\w+), but the (\w+) differs$/.exec(reason))) return t('reason.differs', { field: field(t, m[1]!), other: field(t, m[2]!) })
  if ((m = /^no CI type "(.*)"$/.exec(reason))) return t('reason.noType', { type: m[1]! })
  if ((m = /^an? (\S+) named "(.*)" exists with other identifiers$/.exec(reason))) return t('reason.nameTaken', { type: t.has(`type.${m[1]}`) ? t(`type.${m[1]}`) : m[1]!, name: m[2]! })
  if ((m = /^the matched CI has the type "(.*)", which no longer exists$/.exec(reason))) return t('reason.typeGone', { type: m[1]! })
  return reason
}
