export interface Alert {
  id: string, ruleId: string, severity: string, title: string, source: string, ciId: string | null, deviceId: string | null
  state: string, count: number, firstSeen: string, lastSeen: string
}

export interface Comparison { bound: string, op: string, version: string, value: string }

export interface Explanation {
  inventory: { id: string, source: string, observedAt: string, ecosystem: string, name: string, version: string, purl: string | null }
  advisory: { id: string, aliases: string[], modified: string, published: string | null, summary: string | null }
  affected: { ecosystem: string | null, name: string | null, matchedBy: string | null, rangeType: string | null, rangeIndex: number | null, events: Array<Record<string, string>> | null, criterion?: { criteria: string } & Record<string, unknown>, requires?: string[] }
  comparisons: Comparison[]
  scheme: string | null
  fixedVersion: string | null
  sentence: string
  severity: { rating: string, cvss: { score: number, version: string, vector: string } | null, source: string | null }
  kev: { cve: string, date_added: string | null, due_date: string | null } | null
  epss: { cve: string, epss: number, percentile: number } | null
}

export interface Finding {
  id: string, assetKey: string, ciId: string | null, ciName: string | null, deviceId: string | null, ecosystem: string, package: string, version: string
  vulnerabilityId: string, aliases: string[], summary: string | null, severity: string, cvssScore: number | null, epss: number | null, kev: boolean
  riskScore: number, fixedVersion: string | null, state: string, stateReason: string | null, stateBy: string | null, acceptedUntil: string | null
  dueAt: string | null, overdue: boolean, firstSeen: string, lastSeen: string, fixedAt: string | null, sentence: string, explanation?: Explanation
}

export interface Summary {
  open: Record<string, number>, kev: number, overdue: number
  topAssets: Array<{ assetKey: string, ciName: string | null, deviceId: string | null, open: number, maxRisk: number }>
  trend: Array<{ day: string, opened: number, fixed: number }>
  alerts: Record<string, number>
  lastScanAt: string | null
}

export interface FeedStatus { items: Array<{ feed: string, status: string, lastSuccessAt: string | null, lastError: string | null, items: number, lastChanged: number }>, advisories: number }

export interface Suppression { id: string, ruleId: string | null, source: string | null, ciId: string | null, deviceId: string | null, reason: string, expiresAt: string, active: boolean, createdBy: string }

export const assetName = (f: { ciName: string | null, assetKey: string }) => f.ciName ?? f.assetKey.replace(/^(ci|device|host):/, '')

export interface InventoryItem {
  id: string, assetKey: string, ciId: string | null, ciName: string | null, deviceId: string | null, source: string, ecosystem: string
  name: string, version: string, purl: string | null, observedAt: string, changedAt: string
}
