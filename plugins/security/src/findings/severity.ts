import calculator from 'ae-cvss-calculator'

// A CommonJS package: under ESM its classes are on the default export only.
const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = calculator

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown'
export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown']

/** CVSS base score of a vector (v2, v3.0, v3.1, v4.0), parsed and computed by ae-cvss-calculator; null if unreadable. */
export function cvssScore (vector: string | null | undefined): { score: number, version: string } | null {
  if (!vector) return null
  try {
    if (vector.startsWith('CVSS:4.0/')) return { score: Number(new Cvss4P0(vector).calculateScores().overall), version: '4.0' }
    if (vector.startsWith('CVSS:3.1/')) return { score: Number(new Cvss3P1(vector).calculateScores().base), version: '3.1' }
    if (vector.startsWith('CVSS:3.0/')) return { score: Number(new Cvss3P0(vector).calculateScores().base), version: '3.0' }
    if (/^AV:[LAN]\//.test(vector)) return { score: Number(new Cvss2(vector).calculateScores().base), version: '2.0' }
  } catch { return null }
  return null
}

/** The CVSS v3/v4 qualitative rating of a base score. */
export function ratingOf (score: number | null): Severity {
  if (score === null || Number.isNaN(score)) return 'unknown'
  if (score === 0) return 'none'
  if (score < 4) return 'low'
  if (score < 7) return 'medium'
  if (score < 9) return 'high'
  return 'critical'
}

/** GitHub's advisory severity words (database_specific.severity) when no vector is published. */
export function ratingOfWord (word: unknown): Severity {
  const w = String(word ?? '').toLowerCase()
  if (w === 'critical') return 'critical'
  if (w === 'high' || w === 'important') return 'high'
  if (w === 'moderate' || w === 'medium') return 'medium'
  if (w === 'low') return 'low'
  return 'unknown'
}

/**
 * Risk 0-100: CVSS carries 60 points (score x 6; 30 when unknown), the EPSS probability of
 * exploitation in the next 30 days up to 25, and being on CISA's KEV list (exploited now) 15.
 */
export function riskScore (cvss: number | null, epss: number | null, kev: boolean): number {
  const base = cvss === null ? 30 : cvss * 6
  return Math.min(100, Math.round((base + (epss ?? 0) * 25 + (kev ? 15 : 0)) * 10) / 10)
}
