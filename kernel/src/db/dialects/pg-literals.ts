import { randomBytes } from 'node:crypto'

// PostgreSQL literals for statements that carry their values inline (scopedScript): no parameter
// can be bound in a multi-statement simple query.

/**
 * A dollar-quoted literal: its body is taken verbatim, with no escapes, so encoding costs one
 * search for a tag that the text does not contain.
 */
export function dollarQuote (text: string): string {
  let tag = '$mz$'
  while (text.includes(tag)) tag = `$mz${randomBytes(6).toString('hex')}$`
  return tag + text + tag
}

const needsEscape = /[\\"]/

/** An array literal (`{"a","b",NULL}`) of strings or numbers, dollar-quoted. */
export function arrayLiteral (values: Array<string | number | null>): string {
  return dollarQuote(`{${values.map(v => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${needsEscape.test(v) ? v.replace(/[\\"]/g, '\\$&') : v}"`)).join(',')}}`)
}
