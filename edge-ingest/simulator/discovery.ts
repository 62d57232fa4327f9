import { macFrom, uuidFrom, type CiType, type DeviceProfile } from './profile.ts'
import { hex, pick, seeded } from './random.ts'

/** One discovered configuration item, without the envelope (kind, id, ts). */
export interface DiscoveredCi {
  source: 'simulator'
  ciType: CiType
  hostname: string
  serial: string
  hardwareUuid: string
  macs: string[]
  /** Named as the CMDB's built-in types name them (a field the type lacks is skipped there). */
  fields: Record<string, string | number>
}

const NETWORK = [
  { suffix: 'sw', role: 'switch', manufacturer: 'Cisco', model: 'Catalyst 9200L-24T', firmware: 'IOS XE 17.9.4', ports: 28 },
  { suffix: 'fw', role: 'firewall', manufacturer: 'Fortinet', model: 'FortiGate 60F', firmware: 'FortiOS 7.4.3', ports: 10 },
  { suffix: 'ap', role: 'access-point', manufacturer: 'Ubiquiti', model: 'U6-Pro', firmware: '6.6.55', ports: 1 }
]
const DESKTOPS = [
  { manufacturer: 'Dell', model: 'OptiPlex 7010', os: 'Windows 11 Pro', osVersion: '23H2' },
  { manufacturer: 'Lenovo', model: 'ThinkPad T14 Gen 4', os: 'Windows 10 Enterprise', osVersion: '22H2' },
  { manufacturer: 'Apple', model: 'MacBook Air M2', os: 'macOS', osVersion: '14.5' },
  { manufacturer: 'HP', model: 'EliteDesk 800 G9', os: 'Ubuntu', osVersion: '22.04.4 LTS' }
]
const SERVERS = [
  { manufacturer: 'Dell', model: 'PowerEdge R250' },
  { manufacturer: 'HPE', model: 'ProLiant DL20 Gen10 Plus' },
  { manufacturer: 'Supermicro', model: 'SYS-E300-12D' },
  { manufacturer: 'Lenovo', model: 'ThinkEdge SE350' }
]

/**
 * What the appliance finds on its own subnet: itself, a switch and a firewall, and a few
 * desktops. Seeded by the hardware id, so every run reports the same network and the CMDB
 * reconciles it instead of growing.
 */
export function discoverNetwork (profile: DeviceProfile): DiscoveredCi[] {
  const rand = seeded(`${profile.hardwareId}:network`)
  const self: DiscoveredCi = {
    source: 'simulator',
    ciType: profile.ciType,
    hostname: profile.hostname,
    serial: profile.serial,
    hardwareUuid: profile.hardwareUuid,
    macs: [profile.mac],
    fields: { ...pick(rand, SERVERS), os: profile.os, ipAddress: profile.ipAddress, cpuCores: profile.cpuCores, memoryGb: profile.memoryGb }
  }
  const site = profile.hostname.replace(/-edge-/, '-')
  const network = NETWORK.slice(0, 2 + Math.floor(rand() * 2)).map((n, i): DiscoveredCi => ({
    source: 'simulator',
    ciType: 'network-device',
    hostname: `${site}-${n.suffix}01`,
    serial: `${n.manufacturer.slice(0, 3).toUpperCase()}${hex(rand, 5).toUpperCase()}`,
    hardwareUuid: uuidFrom(rand),
    macs: [macFrom(rand), macFrom(rand)],
    fields: { manufacturer: n.manufacturer, model: n.model, firmware: n.firmware, role: n.role, ports: n.ports, ipAddress: `${profile.subnet}.${i + 1}` }
  }))
  const desktops = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i): DiscoveredCi => ({
    source: 'simulator',
    ciType: 'workstation',
    hostname: `${site}-ws${String(i + 1).padStart(2, '0')}`,
    serial: `PC${hex(rand, 5).toUpperCase()}`,
    hardwareUuid: uuidFrom(rand),
    macs: [macFrom(rand)],
    fields: { ...pick(rand, DESKTOPS), ipAddress: `${profile.subnet}.${100 + i}`, cpuCores: pick(rand, [4, 8, 12]), memoryGb: pick(rand, [8, 16, 32]) }
  }))
  return [self, ...network, ...desktops]
}
