import type { IngestedEvent, PluginContext, Transaction } from '@monozu/kernel'

/** plugin.json `events.publishes`: the software a discovery event listed, for Security. */
export const SOFTWARE_REPORTED = 'cmdb.software_reported'

export interface SoftwareItem { name: string, version: string, ecosystem: string, purl?: string }

export interface SoftwareReported {
  ciId: string | null
  ciName: string | null
  deviceId: string
  source: string
  observedAt: string
  software: SoftwareItem[]
}

const CHUNK = 200

/**
 * Hands each event's `software` list on as `cmdb.software_reported` in the reconciling
 * transaction. The CMDB stores none of it; an event without `software` publishes nothing.
 */
export async function publishSoftware (ctx: PluginContext, trx: Transaction, events: IngestedEvent[], ciBySeq: Map<string, { id: string, name: string }>): Promise<number> {
  const items = events.flatMap(e => {
    const d = e.data as { source?: unknown, software?: SoftwareItem[] }
    if (!Array.isArray(d.software)) return []
    const ci = ciBySeq.get(e.seq) ?? null
    const payload: SoftwareReported = {
      ciId: ci?.id ?? null, ciName: ci?.name ?? null, deviceId: e.deviceId, source: String(d.source), observedAt: e.ts,
      software: d.software.map(s => ({ name: s.name, version: s.version, ecosystem: s.ecosystem, ...(s.purl ? { purl: s.purl } : {}) }))
    }
    return [{ payload, subject: ci?.id ?? e.deviceId }]
  })
  for (let i = 0; i < items.length; i += CHUNK) await ctx.events.publishMany(trx, SOFTWARE_REPORTED, items.slice(i, i + CHUNK))
  return items.length
}
