// Facts about the company: the footer, contact page, privacy policy, terms of service and imprint
// read them from here and nowhere else. A value wrapped in toFill() is a placeholder: the imprint
// shows it marked "to be filled in", and a production build lists what is still missing.

/** A placeholder for a fact only the company can supply before the site goes live. */
export interface ToFill { toFill: string }
export const toFill = (placeholder: string): ToFill => ({ toFill: placeholder })
export type Fact = string | ToFill
export const isToFill = (value: Fact): value is ToFill => typeof value === 'object'

export const company = {
  legalName: 'Monozu sp. z o.o.',
  brand: 'Monozu Cloud',
  salesEmail: 'hello@monozu.cloud',
  privacyEmail: 'privacy@monozu.cloud',
  legalEmail: 'legal@monozu.cloud',
  /** When the privacy policy last changed (ISO date); shown at the top of the policy. */
  privacyUpdated: '2026-11-25',
  /** When the terms of service last changed (ISO date). */
  termsUpdated: '2026-12-07',
  /** The imprint's facts (Polish commercial register data). */
  register: {
    address: toFill('ul. Przykładowa 1, 00-001 Warszawa') as Fact,
    registry: toFill('Sąd Rejonowy dla m.st. Warszawy, XII Wydział Gospodarczy KRS, KRS 0000000000') as Fact,
    taxId: toFill('NIP 000-000-00-00') as Fact,
    regon: toFill('REGON 000000000') as Fact,
    capital: toFill('5 000,00 zł') as Fact,
    representatives: toFill('Imię Nazwisko — Prezes Zarządu') as Fact
  }
} as const

/** The imprint facts still to be filled in, by name. */
export const unfilledFacts = (): string[] => Object.entries(company.register).filter(([, v]) => isToFill(v)).map(([k]) => k)
