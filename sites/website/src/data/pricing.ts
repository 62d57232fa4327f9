import type { ModuleId } from './modules.ts'

export const planIds = ['standard', 'professional'] as const
export type PlanId = typeof planIds[number]

/** Net monthly price per seat with annual billing: PLN for the Polish site, EUR for the English one. */
export const prices: Record<ModuleId, Record<PlanId, { PLN: number, EUR: number }>> = {
  cmdb: { standard: { PLN: 19, EUR: 4.5 }, professional: { PLN: 35, EUR: 8 } },
  itsm: { standard: { PLN: 39, EUR: 9 }, professional: { PLN: 69, EUR: 16 } },
  security: { standard: { PLN: 29, EUR: 7 }, professional: { PLN: 55, EUR: 13 } },
  vpn: { standard: { PLN: 15, EUR: 3.5 }, professional: { PLN: 29, EUR: 7 } },
  backup: { standard: { PLN: 25, EUR: 6 }, professional: { PLN: 49, EUR: 11 } },
  devices: { standard: { PLN: 12, EUR: 3 }, professional: { PLN: 24, EUR: 5.5 } }
}

/** Monthly billing costs this much more than annual billing. */
export const monthlyBillingSurcharge = 0.15
