// Facts about the company used in the footer, contact page and privacy policy.
export const company = {
  legalName: 'Monozu sp. z o.o.',
  brand: 'Monozu Cloud',
  salesEmail: 'hello@monozu.cloud',
  privacyEmail: 'privacy@monozu.cloud',
  /** When the privacy policy last changed (ISO date); shown at the top of the policy. */
  privacyUpdated: '2026-11-25'
} as const
