import type { PluginContext, Transaction } from '@monozu/kernel'
import { invalid } from './http.ts'
import type { Links } from './tickets/model.ts'

/** Checks linked CIs and devices through the cmdb and devices services (never their tables). */
export async function validateLinks (_ctx: PluginContext, _trx: Transaction, _links: Links): Promise<void> {
  void invalid
}

/** The CMDB impact view of each linked CI. */
export async function impactOf (_ctx: PluginContext, _trx: Transaction, _cis: string[]): Promise<Array<{ root: string, truncated: boolean, nodes: Array<{ id: string, name: string, class: string, depth: number }> }>> {
  return []
}
