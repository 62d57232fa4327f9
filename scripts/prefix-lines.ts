import { createInterface } from 'node:readline'

/** Copies a child's output to ours line by line, each line under the child's name (a last line without a newline too). */
export function prefixLines (stream: NodeJS.ReadableStream, out: NodeJS.WritableStream, prefix: string): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', line => out.write(`${prefix} ${line}\n`))
}
