// The website's half of the contact-form contract with sites/contact-api (see README.md).

// The endpoint and site key are build settings (src/generate/settings.ts), not constants here.
export const turnstileScriptUrl = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit'

export const contactFields = ['name', 'email', 'company', 'message'] as const
export type ContactField = typeof contactFields[number]

/** Characters as the API counts them: code points, so "ż" and "😀" are one each (not UTF-16 units). */
export const characters = (s: string): number => [...s].length

/** The same limits the API enforces, in characters; the page checks them before sending. */
export const contactLimits: Record<ContactField, { required: boolean, min: number, max: number }> = {
  name: { required: true, min: 1, max: 100 },
  email: { required: true, min: 1, max: 254 },
  company: { required: false, min: 0, max: 100 },
  message: { required: true, min: 10, max: 5000 }
}
