import type { T } from '@monozu/ui-sdk'

/** `/rows/12/os` → "Row 12, os"; `/header/3` → "Column 4"; `/lines/7` → "Line 7". */
export function where (pointer: string, t: T): string {
  const [, part, n, column] = pointer.split('/')
  if (part === 'rows') return column ? t('atRowColumn', { row: n ?? '?', column }) : t('atRow', { row: n ?? '?' })
  if (part === 'header') return n === undefined ? t('atHeader') : t('atColumn', { column: Number(n) + 1 })
  if (part === 'lines') return t('atLine', { line: n ?? '?' })
  return pointer || t('atFile')
}
