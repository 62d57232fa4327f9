import t from 'tap'
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto'
import { waitFor } from '@monozu/kernel/testing'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel } from './helpers/browser.ts'

// The VPN module end to end in Chromium, en and pl, through axe: peers with status, "add my device"
// (the key pair made by WebCrypto in the page; every request is watched so the private key is
// proven never to leave the browser), the reachability explainer, the topology with its table,
// a peer's page with its traffic rate, an appliance's apply state, and setup keys.
const plugins = [repoPath('plugins/vpn'), repoPath('plugins/devices'), repoPath('edge-ingest')]

const publicOf = (privateKey: string) => {
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.from(privateKey, 'base64')])
  return Buffer.from(createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x!, 'base64url').toString('base64')
}

t.test('the VPN module in a real browser', { skip: browserSkip('vpn') }, async t => {
  const { k, signIn, close } = await startBrowserKernel(plugins)
  t.teardown(close)
  const tenant = await k.createTenant({ slug: 'vpn-browser', name: 'VPN Browser' })
  await k.grantLicense(tenant, ['vpn', 'devices', 'ingest'])
  const admin = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'admin@vpn.example', password: 'admin-password-1' })
  const token = await k.login(admin.user.email, admin.password)
  const post = async (url: string, body: unknown) => {
    const res = await k.request('POST', url, { token, body })
    if (res.status !== 201) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const net = await post('/api/v1/vpn/networks', { name: 'Office', cidr4: '100.64.10.0/24', dns: ['100.64.10.1'] })
  const admins = await post('/api/v1/vpn/groups', { networkId: net.id, name: 'Admins' })
  const servers = await post('/api/v1/vpn/groups', { networkId: net.id, name: 'Servers' })
  await post('/api/v1/vpn/peers', { networkId: net.id, name: 'server-1', kind: 'user', publicKey: publicOf(Buffer.alloc(32, 5).toString('base64')), groupIds: [servers.id] })
  await post('/api/v1/vpn/policies', { networkId: net.id, name: 'Admins to servers', sourceGroupId: admins.id, destinationGroupId: servers.id, protocol: 'tcp', ports: ['22'] })
  // An appliance (enrolled the real way) in Servers, an exit node for Admins; its own counters are
  // reported twice, 30 s apart (no handshake yet): +61,440 B in and +30,720 B out = 2 KiB/s and 1 KiB/s.
  const enrolment = await post('/api/v1/devices/enrollment-tokens', {})
  const device = (await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': enrolment.token }, body: { hostname: 'edge-1', os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() } })).body
  const edge = await post('/api/v1/vpn/peers', { networkId: net.id, name: 'edge-1', kind: 'appliance', publicKey: publicOf(Buffer.alloc(32, 7).toString('base64')), deviceId: device.deviceId, groupIds: [servers.id] })
  await post('/api/v1/vpn/routes', { peerId: edge.id, kind: 'exit', groupIds: [admins.id] })
  const now = Date.now()
  for (const [ago, rx, tx] of [[60, 1000, 2000], [30, 62_440, 32_720]]) {
    const res = await k.request('POST', '/v1/ingest', {
      headers: { 'content-type': 'application/json', 'x-device-key': device.deviceKey },
      body: JSON.stringify({ kind: 'vpn_status', events: [{ id: randomUUID(), ts: new Date(now - ago! * 1000).toISOString(), peers: [{ publicKey: edge.publicKey, latestHandshake: 0, rxBytes: rx, txBytes: tx }] }] })
    })
    if (res.status !== 202) throw new Error(`ingest: ${res.status}`)
  }
  await waitFor('the traffic samples', async () => (await k.request('GET', `/api/v1/vpn/peers/${edge.id}/traffic`, { token })).body.current)
  // The appliance runs every vpn.apply it is sent and reports success.
  const applyAll = async () => {
    for (;;) {
      const next = (await k.request('GET', '/api/v1/devices/self/commands', { headers: { 'x-device-key': device.deviceKey } })).body.items[0]
      if (!next) return
      await k.request('POST', `/api/v1/commands/${next.id}/result`, { headers: { 'x-device-key': device.deviceKey }, body: { exitCode: 0 } })
    }
  }

  const { page, context, errors, cspViolations } = await signIn(admin.user.email, admin.password)
  t.teardown(() => context.close())
  // Everything the page sends: URL, headers and body of every request.
  const sent: string[] = []
  page.on('request', r => { sent.push(`${r.method()} ${r.url()}\n${JSON.stringify(r.headers())}\n${r.postData() ?? ''}`) })

  await page.getByRole('navigation', { name: 'Modules' }).locator('a[href="/m/vpn"]').click()
  await page.getByTestId('module-vpn').waitFor()
  await page.getByRole('heading', { name: 'VPN', level: 1 }).waitFor()
  await page.getByRole('row').filter({ hasText: 'server-1' }).filter({ hasText: 'Never connected' }).waitFor()
  await expectAccessible(t, page, 'peers, en')

  // Add my device: the browser makes the keys; the config shown holds the private key.
  await page.getByRole('navigation', { name: 'VPN sections' }).getByRole('link', { name: 'Add my device' }).click()
  await page.getByLabel('Device name').fill('my-laptop')
  await page.getByLabel('Groups').selectOption({ label: 'Admins' })
  await expectAccessible(t, page, 'add device, en')
  await page.getByRole('button', { name: 'Generate keys and add device' }).click()
  await page.getByRole('heading', { name: 'Your WireGuard config' }).waitFor()
  const config = await page.locator('pre.vpn-config').innerText()
  const privateKey = /^PrivateKey = (\S+)$/m.exec(config)?.[1]
  t.ok(privateKey, 'the config holds a private key')
  t.match(config, 'DNS = 100.64.10.1')
  t.match(config, /^Address = 100\.64\.10\.\d+\/24$/m)
  t.ok(await page.getByRole('img', { name: 'QR code of the config' }).isVisible(), 'a QR code')
  t.ok(await page.getByRole('link', { name: 'Download .conf' }).isVisible(), 'a download')
  const stored = (await k.request('GET', '/api/v1/vpn/peers?q=my-laptop', { token })).body.items[0]
  t.equal(stored.publicKey, publicOf(privateKey!), 'the server has the public half of the key in the page')
  t.ok(sent.some(s => s.includes('/api/v1/vpn/peers') && s.includes(stored.publicKey)), 'the public key was sent')
  const leaks = sent.filter(s => s.includes(privateKey!) || s.includes(encodeURIComponent(privateKey!)) || s.includes(Buffer.from(privateKey!, 'base64').toString('hex')))
  t.same(leaks, [], 'no request carried the private key')
  t.notMatch(JSON.stringify(await k.owner('vpn_peers').where({ tenant_id: tenant.id })), privateKey!, 'and the database does not hold it')
  await expectAccessible(t, page, 'config, en')
  await page.screenshot({ path: `${shots}vpn-add-device.png`, fullPage: true })

  // The explainer: my laptop (Admins) may ssh to server-1, not reach port 80.
  await page.getByRole('navigation', { name: 'VPN sections' }).getByRole('link', { name: 'Access policies' }).click()
  await page.getByRole('row').filter({ hasText: 'Admins to servers' }).waitFor()
  await page.getByLabel('From peer').selectOption({ label: 'my-laptop' })
  await page.getByLabel('To peer').selectOption({ label: 'server-1' })
  await page.getByLabel('Port').fill('22')
  await page.getByRole('button', { name: 'Check' }).click()
  await page.getByText('my-laptop can reach server-1. Allowed by:').waitFor()
  await page.getByLabel('Port').fill('80')
  await page.getByRole('button', { name: 'Check' }).click()
  await page.getByText('Admins to servers: the port is not in its list').waitFor()
  await page.getByText('Add a policy from Admins to Servers allowing tcp 80.').waitFor()
  await page.getByRole('button', { name: 'New group' }).click()
  const groupDialog = page.getByRole('dialog', { name: 'New group' })
  await groupDialog.getByLabel(/^Name/).fill('Laptops')
  await groupDialog.getByLabel('Members').selectOption({ label: 'my-laptop' })
  await expectAccessible(t, page, 'new group, en')
  await groupDialog.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('row').filter({ hasText: 'Laptops' }).filter({ hasText: 'my-laptop' }).waitFor()
  await expectAccessible(t, page, 'policies, en')
  await page.screenshot({ path: `${shots}vpn-policies.png`, fullPage: true })

  // The topology: the picture has a name that sums it up; the table says who reaches whom.
  await page.getByRole('navigation', { name: 'VPN sections' }).getByRole('link', { name: 'Topology' }).click()
  await page.getByRole('heading', { name: 'Topology', level: 1 }).waitFor()
  await page.getByRole('img', { name: /Network Office: 3 peers, 2 allowed connections, 1 exit nodes/ }).waitFor()
  const laptopRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /my-laptop/ }) })
  t.match(await laptopRow.innerText(), /edge-1, server-1/, 'my-laptop (Admins) reaches both servers')
  t.match(await page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /edge-1/ }) }).innerText(), /my-laptop[\s\S]*Exit node for: Admins/, 'edge-1 is reached by my-laptop and is the exit node of Admins')
  await expectAccessible(t, page, 'topology, en')
  await page.screenshot({ path: `${shots}vpn-topology.png`, fullPage: true })

  // Setup keys: the key is shown once.
  await page.getByRole('navigation', { name: 'VPN sections' }).getByRole('link', { name: 'Setup keys' }).click()
  await page.getByRole('button', { name: 'New setup key' }).click()
  const dialog = page.getByRole('dialog', { name: 'New setup key' })
  await dialog.getByLabel(/^Name/).fill('Branch office')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await page.getByText('Copy this key now: it is shown only once.').waitFor()
  await page.getByRole('row').filter({ hasText: 'Branch office' }).filter({ hasText: 'Valid' }).waitFor()
  await expectAccessible(t, page, 'setup keys, en')

  // A peer's page, then Polish.
  await page.getByRole('navigation', { name: 'VPN sections' }).getByRole('link', { name: 'Peers' }).click()
  await page.getByRole('link', { name: 'server-1' }).click()
  await page.getByRole('heading', { name: 'server-1', level: 1 }).waitFor()
  await page.getByText('No connections in the last 7 days.').waitFor()
  await expectAccessible(t, page, 'peer, en')
  // The appliance's page: the traffic rate, and whether it applied its current config.
  await applyAll()
  await waitFor('applied', async () => (await k.request('GET', `/api/v1/vpn/peers/${edge.id}`, { token })).body.apply?.state === 'applied')
  await page.getByRole('link', { name: '← Peers' }).click()
  await page.getByRole('link', { name: 'edge-1' }).click()
  await page.getByRole('heading', { name: 'edge-1', level: 1 }).waitFor()
  await page.getByTestId('vpn-apply').getByText('Applied').waitFor()
  t.equal(await page.getByTestId('vpn-rate').innerText(), '↓ 2.0 KiB/s · ↑ 1.0 KiB/s', 'the rate from the two reports')
  await page.getByRole('img', { name: 'Traffic rate (bytes per second)' }).waitFor()
  await expectAccessible(t, page, 'appliance, en')
  await page.getByLabel('Language').selectOption('pl')
  await page.getByRole('heading', { name: 'Historia połączeń (7 dni)' }).waitFor()
  await page.getByTestId('vpn-apply').getByText('Zastosowana').waitFor()
  await expectAccessible(t, page, 'peer, pl')
  await page.getByRole('navigation', { name: 'Sekcje VPN' }).getByRole('link', { name: 'Topologia' }).click()
  await page.getByRole('caption').getByText('Który węzeł może połączyć się z którym').waitFor()
  await page.getByRole('img', { name: /Sieć Office: węzły: 3, dozwolone połączenia: 2/ }).waitFor()
  await expectAccessible(t, page, 'topology, pl')
  await page.getByRole('navigation', { name: 'Sekcje VPN' }).getByRole('link', { name: 'Węzły' }).click()
  await page.getByRole('row').filter({ hasText: 'server-1' }).filter({ hasText: 'Nigdy nie połączony' }).waitFor()
  await expectAccessible(t, page, 'peers, pl')
  await page.getByRole('navigation', { name: 'Sekcje VPN' }).getByRole('link', { name: 'Zasady dostępu' }).click()
  await page.getByRole('heading', { name: 'Dlaczego A (nie) łączy się z B?' }).waitFor()
  await expectAccessible(t, page, 'policies, pl')
  await page.getByRole('navigation', { name: 'Sekcje VPN' }).getByRole('link', { name: 'Dodaj moje urządzenie' }).click()
  await page.getByLabel('Nazwa urządzenia').waitFor()
  await expectAccessible(t, page, 'add device, pl')
  await page.screenshot({ path: `${shots}vpn-add-device-pl.png`, fullPage: true })
  t.same(errors, [], 'no errors in the page')
  t.same(cspViolations, [], 'no CSP violations')
})
