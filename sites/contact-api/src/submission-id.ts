// One id per submission, derived from its content: the same token with the same fields (a
// client retry after a timeout, a double click) gives the same id, which is the siteverify
// idempotency key, the Resend Idempotency-Key and the `id` the form gets back. So a retry is
// verified and mailed once, and a new submission (a new token) always gets a new id.

import type { ContactInput } from './validate.ts'

export async function submissionId (input: ContactInput): Promise<string> {
  const canonical = JSON.stringify([input.turnstileToken, input.name, input.email, input.company, input.message, input.locale])
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical)))
  const b = digest.slice(0, 16)
  // Shaped as a version-4 UUID (its 122 free bits come from the hash, not a random source):
  // the shape any UUID validator on the other side accepts.
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80 // RFC 9562 variant
  const hex = [...b].map(x => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
