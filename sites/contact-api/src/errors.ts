// Every answer the worker gives, in one catalogue: the website's contact form matches on `code`,
// so codes are stable once shipped (add new ones, never rename). `message` is English for
// people reading logs or curl output; the form shows its own translation per code.

export interface Problem {
  status: number
  message: string
}

export const problems = {
  invalid_input: { status: 400, message: 'Some fields are missing or invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  captcha_failed: { status: 403, message: 'The anti-bot check failed. Please try again.' },
  origin_not_allowed: { status: 403, message: 'This origin may not use the contact form.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Use POST.' },
  too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the form as application/json.' },
  rate_limited: { status: 429, message: 'Too many messages from this address. Please try again later.' },
  misconfigured: { status: 500, message: 'The contact form is not configured.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  mail_failed: { status: 502, message: 'The message could not be sent. Please try again later.' },
  captcha_unavailable: { status: 502, message: 'The anti-bot check is unavailable. Please try again later.' }
} as const satisfies Record<string, Problem>

export type ErrorCode = keyof typeof problems

/** A field-level rule that failed: what `fields` in a 400 `invalid_input` maps each field to. */
export type FieldRule = 'required' | 'type' | 'too_short' | 'too_long' | 'format' | 'invalid' | 'unknown'
