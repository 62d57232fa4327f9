import { isUuid } from '../database.ts'

// PostgreSQL's binary array format (array_recv) for parameters that node-postgres sends as
// binary because they are Buffers: every element is length-prefixed, so no value is escaped,
// quoted or scanned for delimiters, whatever it holds.

const TEXT = 25
const INT4 = 23
const UUID = 2950

function header (buf: Buffer, elementType: number, count: number, hasNull: boolean): number {
  buf.writeInt32BE(1, 0) // dimensions
  buf.writeInt32BE(hasNull ? 1 : 0, 4)
  buf.writeInt32BE(elementType, 8)
  buf.writeInt32BE(count, 12)
  buf.writeInt32BE(1, 16) // lower bound
  return 20
}

/** text[]; null elements are SQL NULL. */
export function textArray (values: ReadonlyArray<string | null>): Buffer {
  let size = 20
  let hasNull = false
  for (const v of values) {
    if (v === null) hasNull = true
    else size += Buffer.byteLength(v)
    size += 4
  }
  const buf = Buffer.allocUnsafe(size)
  let at = header(buf, TEXT, values.length, hasNull)
  for (const v of values) {
    if (v === null) { buf.writeInt32BE(-1, at); at += 4; continue }
    const n = buf.write(v, at + 4)
    buf.writeInt32BE(n, at)
    at += 4 + n
  }
  return buf
}

/** int4[] */
export function int4Array (values: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(20 + values.length * 8)
  let at = header(buf, INT4, values.length, false)
  for (const v of values) {
    buf.writeInt32BE(4, at)
    buf.writeInt32BE(v, at + 4)
    at += 8
  }
  return buf
}

/** uuid[]; a value that is not a uuid is refused here, before it reaches the database. */
export function uuidArray (values: readonly string[]): Buffer {
  const buf = Buffer.allocUnsafe(20 + values.length * 20)
  let at = header(buf, UUID, values.length, false)
  for (const v of values) {
    if (!isUuid(v)) throw new TypeError(`not a uuid: ${JSON.stringify(v)}`)
    buf.writeInt32BE(16, at)
    buf.write(v.replaceAll('-', ''), at + 4, 'hex')
    at += 20
  }
  return buf
}
