import type { FieldDef, TypeDef } from './model.ts'

const text = (key: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({ key, label, kind: 'text', builtin: true, ...extra })
const integer = (key: string, label: string, min: number, max: number): FieldDef => ({ key, label, kind: 'integer', min, max, builtin: true })
const select = (key: string, label: string, choices: string[]): FieldDef => ({ key, label, kind: 'select', choices, builtin: true })

// An IPv4 or IPv6 address, written the usual way; checked loosely on purpose (no CIDR).
const ipAddress = text('ipAddress', 'IP address', { regex: '[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]{2,39}', max: 39 })
const manufacturer = text('manufacturer', 'Manufacturer', { max: 100 })
const model = text('model', 'Model', { max: 100 })
const os = text('os', 'Operating system', { max: 100 })
const osVersion = text('osVersion', 'OS version', { max: 100 })
const cpuCores = integer('cpuCores', 'CPU cores', 1, 4096)
const memoryGb = integer('memoryGb', 'Memory (GB)', 0, 1_048_576)
const environment = select('environment', 'Environment', ['production', 'staging', 'test', 'development'])
const warrantyEnd: FieldDef = { key: 'warrantyEnd', label: 'Warranty end', kind: 'date', builtin: true }
const owner = text('owner', 'Owner', { max: 200 })
const url: FieldDef = { key: 'url', label: 'URL', kind: 'url', builtin: true, max: 2000 }

const type = (key: string, label: string, description: string, fields: FieldDef[]): TypeDef => ({ key, label, description, builtin: true, fields })

/** The types every tenant has. Tenants may add custom fields to them (cmdb.admin). */
export const BUILTIN_TYPES: readonly TypeDef[] = [
  type('server', 'Server', 'A physical server', [manufacturer, model, os, osVersion, cpuCores, memoryGb, ipAddress, environment, warrantyEnd]),
  type('workstation', 'Workstation', 'A desktop or laptop', [manufacturer, model, os, osVersion, cpuCores, memoryGb, ipAddress, text('assignedTo', 'Assigned to', { max: 200 }), warrantyEnd]),
  type('network-device', 'Network device', 'A router, switch, firewall or access point', [
    manufacturer, model, text('firmware', 'Firmware', { max: 100 }), ipAddress,
    select('role', 'Role', ['router', 'switch', 'firewall', 'access-point', 'load-balancer', 'other']), integer('ports', 'Ports', 0, 10_000), warrantyEnd
  ]),
  type('vm', 'Virtual machine', 'A virtual machine', [os, osVersion, cpuCores, memoryGb, ipAddress, environment]),
  type('application', 'Application', 'Installed or hosted software', [text('vendor', 'Vendor', { max: 100 }), text('softwareVersion', 'Version', { max: 100 }), url, environment, owner]),
  type('service', 'Service', 'A business or technical service users depend on', [url, owner, select('criticality', 'Criticality', ['low', 'medium', 'high', 'critical']), text('sla', 'SLA', { max: 200 })])
]

export const BUILTIN_KEYS = new Set(BUILTIN_TYPES.map(t => t.key))
