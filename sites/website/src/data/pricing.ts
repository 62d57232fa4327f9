import type { ModuleId } from './modules.ts'
import type { ProductModule } from '../../../catalogue/modules.ts'

export const planIds = ['standard', 'professional'] as const
export type PlanId = typeof planIds[number]

/**
 * Net monthly price per seat with annual billing: PLN for the Polish site, EUR for the English
 * one. A price is shown only while its module's status is "available" (see priceOf).
 */
const prices: Record<ModuleId, Record<PlanId, { PLN: number, EUR: number }>> = {
  cmdb: { standard: { PLN: 19, EUR: 4.5 }, professional: { PLN: 35, EUR: 8 } },
  itsm: { standard: { PLN: 39, EUR: 9 }, professional: { PLN: 69, EUR: 16 } },
  security: { standard: { PLN: 29, EUR: 7 }, professional: { PLN: 55, EUR: 13 } },
  vpn: { standard: { PLN: 15, EUR: 3.5 }, professional: { PLN: 29, EUR: 7 } },
  backup: { standard: { PLN: 25, EUR: 6 }, professional: { PLN: 49, EUR: 11 } },
  devices: { standard: { PLN: 12, EUR: 3 }, professional: { PLN: 24, EUR: 5.5 } }
}

/** A module's price list, or null: nothing that is not available has a price. */
export function priceOf (m: ProductModule): Record<PlanId, { PLN: number, EUR: number }> | null {
  if (m.status !== 'available') return null
  return (prices as Record<string, Record<PlanId, { PLN: number, EUR: number }>>)[m.id] ?? null
}

/** Monthly billing costs this much more than annual billing. */
export const monthlyBillingSurcharge = 0.15
