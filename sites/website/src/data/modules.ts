// The six product areas. Their order is the order of the nav, the home page grid and pricing.
export const moduleIds = ['cmdb', 'itsm', 'security', 'vpn', 'backup', 'devices'] as const
export type ModuleId = typeof moduleIds[number]

/** Modules shown as "works together with" on each module's page. */
export const relatedModules: Record<ModuleId, ModuleId[]> = {
  cmdb: ['devices', 'itsm', 'security'],
  itsm: ['cmdb', 'security', 'backup'],
  security: ['devices', 'itsm', 'cmdb'],
  vpn: ['devices', 'security', 'cmdb'],
  backup: ['devices', 'itsm', 'cmdb'],
  devices: ['cmdb', 'security', 'backup']
}
