import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { OIDC_CALLBACKS_PER_IP, OIDC_STARTS_PER_IP } from '../src/auth/oidc/flow-routes.ts'
import { signInAtProvider, startOidcProvider, type StandIn } from './helpers/oidc-provider.ts'

// Attacker side of [F1] item 8: anonymous requests to the OIDC endpoints must not write the
// audit log or attacker text into the server log, must not tell which tenant slugs exist, and
// are rate-limited per IP.

const PUBLIC = 'http://monozu.test'
const REDIRECT = `${PUBLIC}/api/v1/auth/oidc/callback`
const ENTRA_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const MARK = 'ATTACKER-TEXT-7d1f'
const logLines: string[] = []
let k: TestKernel
let idp: StandIn
let configured: Tenant
let bare: Tenant
let down: Tenant
let suspended: Tenant

t.before(async () => {
  idp = await startOidcProvider({ clientId: 'monozu-cloud', clientSecret: 'stand-in-client-secret', redirectUri: REDIRECT })
  idp.accounts.alice = { tid: ENTRA_TID, email: 'alice@contoso.example', email_verified: true }
  k = await startTestKernel({
    config: { publicUrl: PUBLIC, outboundAllowPrivate: true },
    log: { level: 'info', stream: { write: (line: string) => logLines.push(line) } }
  })
  configured = await k.createTenant({ slug: 'contoso' })
  bare = await k.createTenant({ slug: 'no-idp' })
  down = await k.createTenant({ slug: 'idp-down' })
  suspended = await k.createTenant({ slug: 'paused' })
  for (const [tenant, issuer] of [[configured, idp.issuer], [down, idp.issuer], [suspended, idp.issuer]] as const) {
    const admin = await k.signIn(tenant, ['tenant-admin'])
    const res = await k.request('PUT', '/api/v1/tenant/identity-provider', { token: admin.token, body: { issuer, clientId: 'monozu-cloud', clientSecret: 'stand-in-client-secret', allowedTenantId: ENTRA_TID, jitProvisioning: true } })
    if (res.status !== 200) throw new Error(`configure ${tenant.slug}: ${res.status}`)
  }
  // The provider of one tenant has gone away since it was configured.
  await k.kernel.conn.owner('identity_providers').where({ tenant_id: down.id }).update({ issuer: 'http://127.0.0.1:9/gone', updated_at: new Date() })
  await k.kernel.conn.owner('tenants').where({ id: suspended.id }).update({ status: 'suspended' })
})
t.teardown(async () => { await k?.close(); await idp?.close() })

let ipCounter = 1
const nextIp = () => `203.0.113.${ipCounter++}`
const login = (slug: string, ip = nextIp()) => k.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/${slug}/login`, remoteAddress: ip })
const auditRows = () => k.kernel.conn.owner('audit_log').where({ action: 'auth.login_failed' }).select('tenant_id', 'details', 'actor')

t.test('unknown, suspended, unconfigured and unreachable tenants get one identical answer', async t => {
  const answers = []
  for (const slug of ['no-such-tenant', 'paused', 'no-idp', 'idp-down']) {
    const res = await login(slug)
    answers.push({ status: res.statusCode, location: res.headers.location, cookie: res.headers['set-cookie'], body: res.body })
  }
  t.match(answers[0], { status: 302, location: `${PUBLIC}/sign-in?error=provider_unavailable` })
  for (let i = 1; i < answers.length; i++) t.same(answers[i], answers[0], `answer ${i} is the unknown tenant's`)
  const ok = await login('contoso')
  t.match(String(ok.headers.location), idp.issuer, 'a configured tenant still redirects to its provider')
})

t.test('a dead issuer is not called again on every anonymous sign-in start', async t => {
  // A changed configuration is discovered afresh: start from a failure nobody has seen yet.
  await k.kernel.conn.owner('identity_providers').where({ tenant_id: down.id }).update({ updated_at: new Date(Date.now() + 1000) })
  logLines.length = 0
  for (let i = 0; i < 5; i++) await login('idp-down')
  const calls = logLines.filter(l => l.includes('"msg":"outbound request failed"') && l.includes('"origin":"http://127.0.0.1:9"'))
  t.equal(calls.length, 1, 'one outbound attempt; the failure is remembered for 30 s')
})

t.test('bare login redirects write nothing to any audit log', async t => {
  const before = (await auditRows()).length
  for (const slug of ['no-such-tenant', 'no-idp', 'idp-down', 'contoso']) await login(slug)
  t.equal((await auditRows()).length, before, 'no auth.login_failed rows')
})

t.test('a forged callback is neither audited nor logged with its text', async t => {
  const before = (await auditRows()).length
  logLines.length = 0
  const description = `${MARK} <script>alert(1)</script>\n{"level":50,"msg":"forged line"}`
  const forged = await k.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback?error=access_denied&error_description=${encodeURIComponent(description)}&state=made-up`, remoteAddress: nextIp() })
  t.equal(forged.headers.location, `${PUBLIC}/sign-in?error=invalid_state`)
  const weird = await k.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback?error=${encodeURIComponent(MARK)}`, remoteAddress: nextIp() })
  t.equal(weird.headers.location, `${PUBLIC}/sign-in?error=invalid_state`)
  t.equal((await auditRows()).length, before, 'no audit rows')
  t.ok(logLines.some(l => l.includes('"code":"invalid_state"')), 'the refusal is logged with its code')
  t.notOk(logLines.some(l => l.includes(MARK)), 'the attacker\'s text is nowhere in the log')
})

t.test('a provider error on a real attempt is audited with its code only', async t => {
  logLines.length = 0
  const start = await login('contoso')
  const state = new URL(String(start.headers.location)).searchParams.get('state') as string
  const cookie = ([start.headers['set-cookie']].flat().find(c => String(c).startsWith('__Host-monozu_oidc=')) as string).split(';')[0] as string
  const back = await k.app.inject({ method: 'GET', url: `/api/v1/auth/oidc/callback?error=access_denied&error_description=${encodeURIComponent(MARK)}&state=${state}`, headers: { cookie }, remoteAddress: nextIp() })
  t.equal(back.headers.location, `${PUBLIC}/sign-in?error=provider_error`)
  const rows = (await auditRows()).filter(r => r.tenant_id === configured.id)
  t.equal(rows.length, 1, 'one audited failure for the tenant')
  t.same(JSON.parse(rows[0]!.details), { method: 'oidc', code: 'provider_error', detail: 'the provider answered access_denied' })
  t.notOk(logLines.some(l => l.includes(MARK)), 'error_description is not logged')
})

t.test('login starts and failed callbacks are limited per IP; a completed sign-in gives its attempts back', async t => {
  const ip = '198.51.100.7'
  const codes: Array<string | undefined> = []
  for (let i = 0; i < OIDC_STARTS_PER_IP + 1; i++) codes.push(String((await login('no-such-tenant', ip)).headers.location).split('error=')[1])
  t.equal(codes.filter(c => c === 'provider_unavailable').length, OIDC_STARTS_PER_IP, 'the limit is evaluated')
  const refused = await login('contoso', ip)
  t.equal(refused.headers.location, `${PUBLIC}/sign-in?error=rate_limited`, 'past the limit even a real tenant is refused')
  t.match(refused.headers['retry-after'], /^\d+$/)
  t.equal(String(codes.at(-1)), 'rate_limited')
  t.equal((await login('contoso', '198.51.100.8')).statusCode, 302, 'another IP is not affected')
  t.match(String((await login('contoso', '198.51.100.8')).headers.location), idp.issuer)

  const cbIp = '198.51.100.9'
  let last
  for (let i = 0; i < OIDC_CALLBACKS_PER_IP + 1; i++) last = await k.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/callback?state=x', remoteAddress: cbIp })
  t.equal(last?.headers.location, `${PUBLIC}/sign-in?error=rate_limited`, 'forged callbacks run into the limit')

  // A user behind a shared address: completed sign-ins do not use up the address's budget.
  const office = '198.51.100.10'
  for (let i = 0; i < OIDC_STARTS_PER_IP + 2; i++) {
    const start = await login('contoso', office)
    if (start.statusCode !== 302 || !String(start.headers.location).startsWith(idp.issuer)) { t.fail(`sign-in ${i} was refused: ${String(start.headers.location)}`); break }
    if (i > 1) continue // walking the provider is slow: complete two, then count starts that were given back
    const back = await signInAtProvider(String(start.headers.location), 'alice', REDIRECT)
    const cookie = ([start.headers['set-cookie']].flat().find(c => String(c).startsWith('__Host-monozu_oidc=')) as string).split(';')[0] as string
    const done = await k.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie }, remoteAddress: office })
    t.equal(done.headers.location, `${PUBLIC}/`, `sign-in ${i} completes`)
  }
  const row = await k.kernel.conn.owner('login_failures').where({ key: `oidc-start:${office}` }).first()
  t.equal(Number(row.failures), OIDC_STARTS_PER_IP, 'two completed sign-ins gave their starts back')
})
