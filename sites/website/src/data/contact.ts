// The website's half of the contact-form contract with sites/contact-api (see README.md).

/** Build-time defaults, overridden by PUBLIC_CONTACT_API_URL and PUBLIC_TURNSTILE_SITE_KEY. */
export const defaultContactApiUrl = 'http://127.0.0.1:8787/api/contact'
/** Cloudflare's documented test key that always passes. */
export const defaultTurnstileSiteKey = '1x00000000000000000000AA'
export const turnstileScriptUrl = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit'

export const contactFields = ['name', 'email', 'company', 'message'] as const
export type ContactField = typeof contactFields[number]

/** The same limits the API enforces; the page checks them before sending. */
export const contactLimits: Record<ContactField, { required: boolean, min: number, max: number }> = {
  name: { required: true, min: 1, max: 100 },
  email: { required: true, min: 1, max: 254 },
  company: { required: false, min: 0, max: 100 },
  message: { required: true, min: 10, max: 5000 }
}
