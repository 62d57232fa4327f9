import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'

/** One ustar header block for a regular file (names up to 100 bytes). */
function header (name: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(512)
  const field = (offset: number, length: number, value: string) => block.write(value, offset, length, 'ascii')
  const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0')
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long: ${name}`)
  field(0, 100, name)
  octal(100, 8, 0o600)
  octal(108, 8, 0)
  octal(116, 8, 0)
  octal(124, 12, size)
  octal(136, 12, Math.floor(mtime / 1000))
  field(148, 8, '        ')
  field(156, 1, '0')
  field(257, 6, 'ustar\0')
  field(263, 2, '00')
  let sum = 0
  for (const byte of block) sum += byte
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return block
}

/** An archive entry: its bytes in memory (small: the manifest) or in a file (a spooled table). */
export type ArchiveEntry = { name: string, data: Buffer } | { name: string, file: string, size: number }

/** The tar stream of the entries: files are read in chunks as the consumer pulls (backpressure). */
async function * tarBlocks (entries: ArchiveEntry[], mtime: number): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const size = 'data' in entry ? entry.data.length : entry.size
    yield header(entry.name, size, mtime)
    if ('data' in entry) yield entry.data
    else for await (const chunk of createReadStream(entry.file, { highWaterMark: 64 * 1024 })) yield chunk as Buffer
    const pad = (512 - (size % 512)) % 512
    if (pad) yield Buffer.alloc(pad)
  }
  yield Buffer.alloc(1024)
}

/** A gzipped tar (what `tar xzf` reads) as a stream; it errors if reading an entry fails. */
export function tarGzStream (entries: ArchiveEntry[], mtime = Date.now()): Readable {
  const gzip = createGzip()
  pipeline(Readable.from(tarBlocks(entries, mtime)), gzip).catch(err => gzip.destroy(err as Error))
  return gzip
}

/** One JSON line for a row; binary columns as base64 strings. */
export function ndjsonLine (row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) ? Buffer.from((v as { data: number[] }).data).toString('base64') : v) + '\n'
}
