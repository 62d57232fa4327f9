import { hex, pick, seeded, type Random } from './random.ts'

export type CiType = 'server' | 'workstation' | 'network-device'

/** What an appliance says about itself: fixed for a (fleet, index), so restarts match. */
export interface DeviceProfile {
  index: number
  hardwareId: string
  hostname: string
  os: string
  agentVersion: string
  ciType: CiType
  serial: string
  hardwareUuid: string
  mac: string
  ipAddress: string
  cpuCores: number
  memoryGb: number
  diskGb: number
  /** The /24 the appliance sits in; its neighbours get addresses here. */
  subnet: string
}

export const AGENT_VERSION = '1.4.2-sim'

const SYSTEMS = [
  { os: 'Ubuntu 24.04.1 LTS', ciType: 'server' },
  { os: 'Debian GNU/Linux 12 (bookworm)', ciType: 'server' },
  { os: 'Windows Server 2022 Standard', ciType: 'server' },
  { os: 'Red Hat Enterprise Linux 9.4', ciType: 'server' },
  { os: 'Windows 11 Pro 23H2', ciType: 'workstation' }
] as const

export function uuidFrom (rand: Random): string {
  const h = hex(rand, 16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** A locally administered-looking but vendor-prefixed MAC, stable for the seed. */
export function macFrom (rand: Random): string {
  const oui = pick(rand, ['00:1a:2b', '3c:ec:ef', 'b4:96:91', 'f0:9f:c2', '00:50:56'])
  return `${oui}:${hex(rand, 3).match(/../g)!.join(':')}`
}

export function deviceProfile (fleet: string, index: number): DeviceProfile {
  const hardwareId = `monozu-sim:${fleet}:${index}`
  const rand = seeded(hardwareId)
  const system = SYSTEMS[index % SYSTEMS.length]!
  const number = String(index + 1).padStart(3, '0')
  const subnet = `10.${20 + Math.floor(index / 250)}.${index % 250}`
  return {
    index,
    hardwareId,
    hostname: `${fleet}-edge-${number}`,
    os: system.os,
    agentVersion: AGENT_VERSION,
    ciType: system.ciType,
    serial: `SIM${hex(rand, 5).toUpperCase()}`,
    hardwareUuid: uuidFrom(rand),
    mac: macFrom(rand),
    ipAddress: `${subnet}.10`,
    cpuCores: pick(rand, [2, 4, 4, 8, 8, 16]),
    memoryGb: pick(rand, [4, 8, 16, 16, 32, 64]),
    diskGb: pick(rand, [128, 256, 512, 1024]),
    subnet
  }
}
