import { call, describe, HttpError } from './http.ts'
import type { Log } from './log.ts'
import type { DeviceProfile } from './profile.ts'
import { DeviceState } from './state.ts'
import type { Stats } from './stats.ts'

export interface Credentials { email: string, password: string | undefined, tenant: string | undefined }
export interface Enrolled { profile: DeviceProfile, deviceId: string, deviceKey: string }

export class StartupFailure extends Error {}

interface Session { token: string, tenantId: string, tenantSlug: string }

export async function signIn (url: string, who: Credentials): Promise<Session> {
  if (!who.password) throw new StartupFailure(`no password for ${who.email}: give --password, set MONOZU_DEMO_PASSWORD, or give --enrollment-token`)
  try {
    const body = { email: who.email, password: who.password, ...(who.tenant ? { tenant: who.tenant } : {}) }
    const answer = await call(url, '/api/v1/auth/login', { body })
    if (!answer?.tenant?.id) throw new StartupFailure(`${who.email} is not a tenant user (a platform operator cannot enroll devices)`)
    return { token: answer.accessToken, tenantId: answer.tenant.id, tenantSlug: answer.tenant.slug }
  } catch (err) {
    if (err instanceof StartupFailure) throw err
    throw new StartupFailure(`sign-in as ${who.email} at ${url} failed: ${describe(err)}`)
  }
}

/** Runs `fn` over `items`, `limit` at a time (registration is a burst of writes). */
async function inParallel<T, R> (items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }))
  return results
}

export interface EnrollOptions {
  url: string
  profiles: DeviceProfile[]
  stateFile: string
  enrollmentToken: string | undefined
  credentials: Credentials
  site: string
  stats: Stats
  log: Log
}

/**
 * Gives every profile a working device key: the saved one when the server still takes it,
 * else a registration under the profile's stable hardware id; a device the server already knows
 * is re-enrolled with a re-enrolment token (a new key, never a second device).
 */
export async function enrollFleet (o: EnrollOptions): Promise<Enrolled[]> {
  let session: Session | null = null
  let scope: string
  if (o.enrollmentToken) {
    // mze_<tenant id, hex>_...: the tenant keeps keys of different tenants apart in the state file.
    scope = `${o.url} ${o.enrollmentToken.split('_')[1] ?? 'token'}`
  } else {
    session = await signIn(o.url, o.credentials)
    scope = `${o.url} ${session.tenantId.replace(/-/g, '').toLowerCase()}`
    o.log.info(`signed in as ${o.credentials.email} (tenant ${session.tenantSlug})`)
  }
  const state = new DeviceState(o.stateFile, scope)

  const checked = await inParallel(o.profiles, 8, async profile => {
    const saved = state.get(profile.hardwareId)
    if (!saved) return null
    try {
      const self = await call(o.url, '/api/v1/devices/self', { headers: { 'x-device-key': saved.deviceKey } })
      return self?.id === saved.deviceId ? { profile, deviceId: saved.deviceId, deviceKey: saved.deviceKey } : null
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) return null
      throw new StartupFailure(`checking the saved key of ${profile.hostname} failed: ${describe(err)}`)
    }
  })
  const missing = o.profiles.filter((_, i) => !checked[i])
  o.stats.devices.reused = o.profiles.length - missing.length
  if (missing.length === 0) return checked as Enrolled[]

  const token = o.enrollmentToken ?? await createEnrollmentToken(o, session!, missing.length)
  const registered = await inParallel(missing, 8, async profile => {
    const { hostname, os, agentVersion, hardwareId } = profile
    try {
      const register = (t: string) => call(o.url, '/api/v1/devices/register', { body: { hostname, os, agentVersion, hardwareId }, headers: { 'x-enrollment-token': t } })
      const answer = await register(token).catch(async err => {
        if (!(err instanceof HttpError && err.code === 'device_already_enrolled')) throw err
        return register(await reenrollmentToken(o, session, profile))
      })
      state.set(hardwareId, { deviceId: answer.deviceId, deviceKey: answer.deviceKey, hostname, registeredAt: new Date().toISOString() })
      state.save()
      if (answer.created) o.stats.devices.registered++
      else o.stats.devices.reused++
      return { profile, deviceId: answer.deviceId as string, deviceKey: answer.deviceKey as string }
    } catch (err) {
      throw new StartupFailure(`registering ${hostname} failed: ${describe(err)}`)
    }
  })
  const byHardware = new Map(registered.map(r => [r.profile.hardwareId, r]))
  return o.profiles.map((p, i) => checked[i] ?? byHardware.get(p.hardwareId)!)
}

/**
 * An enrolled device whose saved key is gone (lost state file, key rotated in the UI) needs an
 * admin's re-enrolment token: an ordinary token cannot take over a known hardware id.
 */
async function reenrollmentToken (o: EnrollOptions, session: Session | null, profile: DeviceProfile): Promise<string> {
  if (!session) throw new StartupFailure(`${profile.hostname} is enrolled already and has no working saved key: re-enrolling it needs a tenant admin (sign in instead of --enrollment-token)`)
  const auth = { authorization: `Bearer ${session.token}` }
  // `q` matches substrings (sim:1 also finds sim:10…): page until the exact hardware id.
  type Listed = { id: string, hardwareId: string, revokedAt: string | null }
  let device: Listed | undefined
  let cursor: string | null = ''
  while (!device && cursor !== null) {
    const found: { items: Listed[], nextCursor: string | null } = await call(o.url, `/api/v1/devices?q=${encodeURIComponent(profile.hardwareId)}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth })
    device = found.items.find(d => d.hardwareId === profile.hardwareId)
    cursor = found.nextCursor
  }
  if (!device) throw new StartupFailure(`${profile.hostname}: the server says its hardware id is enrolled but lists no such device`)
  // A revoked device stays revoked unless a person brings it back from the device page.
  if (device.revokedAt) throw new StartupFailure(`${profile.hostname} was revoked; re-enrol it from its device page, or run another --fleet`)
  const issued = await call(o.url, `/api/v1/devices/${device.id}/reenrollment`, { headers: auth, body: { expiresInSeconds: 300 } })
  return issued.token
}

async function createEnrollmentToken (o: EnrollOptions, session: Session, uses: number): Promise<string> {
  try {
    const answer = await call(o.url, '/api/v1/devices/enrollment-tokens', {
      headers: { authorization: `Bearer ${session.token}` },
      body: { expiresInSeconds: 3600, maxUses: uses, site: o.site, tags: ['simulator'], description: 'Monozu appliance simulator' }
    })
    return answer.token
  } catch (err) {
    throw new StartupFailure(`creating an enrollment token failed: ${describe(err)}`)
  }
}
