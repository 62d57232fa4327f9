import t from 'tap'
import { readFileSync } from 'node:fs'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel, type SignedIn } from './helpers/browser.ts'

// The service desk end to end: a real kernel with the itsm plugin, the built shell and module, and
// Chromium. A requester files a ticket in the portal, an agent answers it (an internal note and a
// public reply), and the requester sees the reply but never the note; in English, then in Polish,
// with axe on every screen on the way.
const itsm = repoPath('plugins/itsm')
// itsm reaches CIs, devices and findings through their plugins' services, so those are loaded (not licensed).
const cmdb = repoPath('plugins/cmdb')
const devices = repoPath('plugins/devices')
const security = repoPath('plugins/security')

t.test('the itsm module in a real browser', { skip: browserSkip('itsm') }, async t => {
  const { k, signIn, close } = await startBrowserKernel([cmdb, devices, security, itsm])
  t.teardown(close)

  const tenant = await k.createTenant({ slug: 'itsm-browser', name: 'ITSM Browser' })
  await k.grantLicense(tenant, ['itsm'])
  const agent = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'agent@itsm.example', password: 'agent-password-1', name: 'Ada Agent' })
  // A second agent: tickets are assigned to agents, picked by name.
  await k.createUser(tenant, { roles: ['tenant-admin'], email: 'bob@itsm.example', password: 'bob-password-1', name: 'Bob Agent' })
  const requester = await k.createUser(tenant, { roles: ['member'], email: 'rita@itsm.example', password: 'rita-password-1', name: 'Rita Requester' })

  /** Signs in and opens the module from the shell's navigation (whatever its label, the link to /m/itsm). */
  async function openModule (email: string, password: string, lang: 'en' | 'pl'): Promise<SignedIn> {
    const signed = await signIn(email, password)
    const { page } = signed
    await page.getByRole('navigation', { name: /^(Modules|Moduły)$/ }).locator('a[href="/m/itsm"]').waitFor()
    // The shell keeps each user's language choice: set it every time.
    await page.getByLabel(/^(Language|Język)$/).selectOption(lang)
    await page.getByRole('navigation', { name: /^(Modules|Moduły)$/ }).locator('a[href="/m/itsm"]').click()
    await page.getByTestId('module-itsm').waitFor()
    return signed
  }

  const texts = {
    en: {
      portal: 'My requests', newRequest: 'New request', title: 'Title', description: 'Description', send: 'Send request', required: 'Required.',
      queue: 'Ticket queue', reply: 'Reply to the requester', note: 'Internal note', sendReply: 'Send reply', addNote: 'Add note',
      publicReply: 'Public reply', conversation: 'Conversation', assignee: 'Assignee', workflow: 'Status and assignment', back: '← Ticket queue', yourReply: 'Your reply', search: 'Search', sla: 'SLA', attach: 'Attach files (optional)', download: 'Download',
      ticketTitle: 'The VPN drops every hour', noteText: 'Checked the concentrator logs: DPD timeouts.', replyText: 'We raised the **DPD timeout**; please try again and tell us.'
    },
    pl: {
      portal: 'Moje zgłoszenia', newRequest: 'Nowe zgłoszenie', title: 'Tytuł', description: 'Opis', send: 'Wyślij zgłoszenie', required: 'Wymagane.',
      queue: 'Kolejka zgłoszeń', reply: 'Odpowiedź dla zgłaszającego', note: 'Notatka wewnętrzna', sendReply: 'Wyślij odpowiedź', addNote: 'Dodaj notatkę',
      publicReply: 'Odpowiedź publiczna', conversation: 'Rozmowa', assignee: 'Przypisane do', workflow: 'Status i przypisanie', back: '← Kolejka zgłoszeń', yourReply: 'Twoja odpowiedź', search: 'Szukaj', sla: 'SLA', attach: 'Dołącz pliki (opcjonalnie)', download: 'Pobierz',
      ticketTitle: 'Drukarka na 2. piętrze nie drukuje', noteText: 'Toner pusty, zamówiony u dostawcy.', replyText: 'Wymieniliśmy **toner**; proszę sprawdzić wydruk.'
    }
  } as const

  await t.test('an admin sets up a calendar and an SLA policy', async t => {
    const { page, context, errors } = await openModule(agent.user.email, agent.password, 'en')
    await page.getByRole('navigation', { name: 'Service desk sections' }).getByRole('link', { name: 'Service desk settings' }).click()
    await page.getByRole('heading', { name: 'SLA policies', level: 2 }).waitFor()
    const nav = page.getByRole('navigation', { name: 'Settings sections' })
    await nav.getByRole('link', { name: 'Business calendars' }).click()
    await page.getByRole('button', { name: 'New calendar' }).click()
    const dialog = page.getByRole('dialog', { name: 'New calendar' })
    await dialog.getByRole('button', { name: 'Save' }).click()
    t.equal(await dialog.getByLabel(/^Name/).getAttribute('aria-invalid'), 'true', 'a calendar needs a name')
    await dialog.getByLabel(/^Name/).fill('Warsaw office')
    for (const day of ['Saturday', 'Sunday']) await dialog.getByRole('checkbox', { name: day }).check()
    await dialog.getByLabel('Saturday from').fill('00:00')
    await dialog.getByLabel('Saturday until').fill('23:59')
    await dialog.getByLabel('Sunday from').fill('00:00')
    await dialog.getByLabel('Sunday until').fill('23:59')
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      await dialog.getByLabel(`${day} from`).fill('00:00')
      await dialog.getByLabel(`${day} until`).fill('23:59')
    }
    await dialog.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('button', { name: 'Warsaw office', exact: true }).waitFor()
    await expectAccessible(t, page, 'calendars, en')

    await nav.getByRole('link', { name: 'SLA policies' }).click()
    await page.getByRole('button', { name: 'New policy' }).click()
    const policy = page.getByRole('dialog', { name: 'New policy' })
    await policy.getByLabel(/^Name/).fill('Standard')
    await policy.getByLabel('Calendar').selectOption({ label: 'Warsaw office' })
    await policy.getByLabel('Resolution').fill('8')
    await policy.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('row').filter({ hasText: 'Standard' }).filter({ hasText: 'Warsaw office' }).waitFor()
    await expectAccessible(t, page, 'SLA policies, en')
    // Every admin page opens; axe runs on the ones with forms of their own (the machine is shared: keep it short).
    for (const [heading, axe] of [['Priority matrix', true], ['Groups', false], ['Alert rules', true], ['Email and auto-close', false]] as const) {
      await nav.getByRole('link', { name: heading }).click()
      await page.getByRole('heading', { name: heading, level: 2 }).waitFor()
      if (axe) await expectAccessible(t, page, `${heading}, en`)
    }
    await page.getByLabel('Language').selectOption('pl')
    await page.getByRole('heading', { name: 'E-mail i automatyczne zamykanie', level: 2 }).waitFor()
    await expectAccessible(t, page, 'settings, pl')
    await page.getByRole('navigation', { name: 'Sekcje ustawień' }).getByRole('link', { name: 'Polityki SLA' }).click()
    await page.getByRole('row').filter({ hasText: 'Standard' }).waitFor()
    await expectAccessible(t, page, 'SLA policies, pl')
    await page.getByLabel('Język').selectOption('en')
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })

  for (const lang of ['en', 'pl'] as const) {
    const x = texts[lang]
    let ticketPath = ''

    await t.test(`${lang}: a requester files a ticket in the portal`, async t => {
      const { page, context, errors } = await openModule(requester.user.email, requester.password, lang)
      await page.getByRole('heading', { name: x.portal, level: 1 }).waitFor()
      t.equal(await page.getByRole('navigation', { name: /sections|Sekcje/ }).count(), 0, 'a requester sees no queue or admin sections')
      await expectAccessible(t, page, `portal, ${lang}`)

      await page.getByRole('link', { name: x.newRequest }).first().click()
      await page.getByRole('heading', { name: x.newRequest, level: 1 }).waitFor()
      t.equal(await page.getByRole('radio').count(), 2, 'a requester chooses between an incident and a service request')
      await page.getByRole('button', { name: x.send }).click()
      t.equal(await page.getByLabel(new RegExp(`^${x.title}`)).getAttribute('aria-invalid'), 'true', 'an empty title is named at its field')
      t.ok(await page.getByText(x.required).first().isVisible(), 'in the page language')
      await expectAccessible(t, page, `new ticket form with errors, ${lang}`)

      await page.getByLabel(new RegExp(`^${x.title}`)).fill(x.ticketTitle)
      await page.getByLabel(x.description).fill('Since **Monday**.\n\n<script>window.pwned = 1</script>\n\n[status page](https://status.example.com)')
      await page.getByRole('button', { name: x.send }).click()
      await page.getByRole('heading', { name: x.ticketTitle, level: 1 }).waitFor()
      ticketPath = new URL(page.url()).pathname
      t.match(ticketPath, /^\/m\/itsm\/tickets\/[0-9a-f-]{36}$/, 'the new ticket opens')

      const description = page.locator('.itsm-md').first()
      t.equal(await description.locator('strong').textContent(), 'Monday', 'Markdown is rendered')
      t.equal(await description.locator('script').count(), 0, 'raw HTML is not')
      t.ok(await description.getByText('<script>window.pwned = 1</script>').isVisible(), 'it shows as text')
      t.equal(await page.evaluate('window.pwned'), undefined, 'and never runs')
      const link = description.getByRole('link', { name: 'status page' })
      t.match(await link.getAttribute('rel'), /noopener/, 'links open without access to the page')
      t.equal(await page.getByText(x.note, { exact: true }).count(), 0, 'a requester has no internal-note choice')
      await expectAccessible(t, page, `requester's ticket page, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-requester-new-${lang}.png`, fullPage: true })
      t.same(errors, [], 'no errors in the page')
      await context.close()
    })

    await t.test(`${lang}: an agent finds it in the queue, writes a note and a reply`, async t => {
      t.ok(ticketPath, 'needs the filed ticket')
      const { page, context, errors } = await openModule(agent.user.email, agent.password, lang)
      await page.getByRole('heading', { name: x.queue, level: 1 }).waitFor()
      await page.getByLabel(x.search).fill(x.ticketTitle.split(' ').slice(-2).join(' '))
      const row = page.getByRole('row').filter({ hasText: x.ticketTitle })
      await row.waitFor()
      await expectAccessible(t, page, `queue, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-queue-${lang}.png`, fullPage: true })
      await row.getByRole('link').first().click()
      await page.getByRole('heading', { name: x.ticketTitle, level: 1 }).waitFor()
      t.equal(new URL(page.url()).pathname, ticketPath, 'the queue opens the ticket')
      const sla = page.getByTestId('sla')
      await sla.getByRole('heading', { name: x.sla }).waitFor()
      t.match(await sla.locator('[data-target="resolution"] .itsm-sla__why').textContent(), lang === 'en' ? /^due .+ Europe\/Warsaw: 8 business hours from / : /^termin .+ Europe\/Warsaw: 8 godz\. roboczych od /, 'the resolution clock explains itself in the page language')
      const workflow = page.getByRole('region', { name: x.workflow })
      await workflow.getByLabel(x.assignee, { exact: true }).selectOption({ label: 'Bob Agent' })
      await workflow.locator('dd').getByText('Bob Agent', { exact: true }).waitFor()
      t.pass('the ticket is assigned to an agent picked by name, and shows the name')

      await page.getByRole('radio', { name: x.note }).check()
      await page.getByRole('textbox', { name: x.note, exact: true }).fill(x.noteText)
      await page.getByRole('button', { name: x.addNote }).click()
      const note = page.locator('article[data-visibility="internal"]').filter({ hasText: x.noteText })
      await note.waitFor()
      t.ok(await note.getByText(x.note, { exact: true }).isVisible(), 'the note is labelled as internal')

      await page.getByRole('radio', { name: x.publicReply }).check()
      await page.getByRole('textbox', { name: x.reply, exact: true }).fill(x.replyText)
      await page.getByLabel(x.attach).setInputFiles({ name: `steps-${lang}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`steps for ${lang}\n`) })
      await page.getByRole('button', { name: x.sendReply }).click()
      await page.getByRole('button', { name: `${x.download} steps-${lang}.txt` }).waitFor()
      const reply = page.locator('article[data-visibility="public"]').filter({ hasText: x.replyText.replace(/\*\*/g, '').split(';')[0]!.slice(0, 12) })
      await reply.waitFor()
      t.ok(await reply.getByText(x.publicReply, { exact: true }).isVisible(), 'the reply is labelled as public')
      await expectAccessible(t, page, `agent's ticket page, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-agent-ticket-${lang}.png`, fullPage: true })
      await page.getByRole('link', { name: x.back }).click()
      await page.getByRole('heading', { name: x.queue, level: 1 }).waitFor()
      await page.getByLabel(x.assignee, { exact: true }).selectOption({ label: 'Bob Agent' })
      await page.getByRole('row').filter({ hasText: x.ticketTitle }).filter({ hasText: 'Bob Agent' }).waitFor()
      t.pass('the queue filters by that agent and names them in the row')
      t.same(errors, [], 'no errors in the page')
      await context.close()
    })

    await t.test(`${lang}: the requester sees the reply and not the note`, async t => {
      const { page, context, errors } = await openModule(requester.user.email, requester.password, lang)
      await page.getByRole('heading', { name: x.portal, level: 1 }).waitFor()
      await page.getByRole('row').filter({ hasText: x.ticketTitle }).getByRole('link').first().click()
      await page.getByRole('heading', { name: x.ticketTitle, level: 1 }).waitFor()
      const replyWord = lang === 'en' ? 'DPD timeout' : 'toner'
      await page.locator('article[data-visibility="public"] strong').filter({ hasText: replyWord }).waitFor()
      t.pass('the agent\'s reply is there, Markdown rendered')
      t.equal(await page.getByText(x.noteText).count(), 0, 'the internal note is not')
      t.equal(await page.locator('article[data-visibility="internal"]').count(), 0, 'nor any internal message')
      t.ok(await page.getByLabel(x.yourReply).isVisible(), 'the requester can answer')
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `${x.download} steps-${lang}.txt` }).click()])
      t.equal(file.suggestedFilename(), `steps-${lang}.txt`, 'the agent\'s attachment downloads under its name')
      t.equal(readFileSync(await file.path(), 'utf8'), `steps for ${lang}\n`, 'with its content')
      await expectAccessible(t, page, `requester sees the reply, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-requester-reply-${lang}.png`, fullPage: true })
      t.same(errors, [], 'no errors in the page')
      await context.close()
    })
  }

  for (const lang of ['en', 'pl'] as const) {
    const r = lang === 'en'
      ? { reports: 'Reports', resolved: 'Resolved', mttr: 'Mean time to resolve by priority', backlog: 'Backlog by group', from: 'From', csv: 'Export tickets as CSV' }
      : { reports: 'Raporty', resolved: 'Rozwiązane', mttr: 'Średni czas rozwiązania według priorytetu', backlog: 'Zaległości według grup', from: 'Od', csv: 'Eksportuj zgłoszenia do CSV' }
    await t.test(`${lang}: an agent reads the reports and exports the tickets`, async t => {
      const { page, context, errors } = await openModule(agent.user.email, agent.password, lang)
      await page.getByRole('navigation', { name: /sections|Sekcje/ }).getByRole('link', { name: r.reports }).click()
      await page.getByRole('heading', { name: r.reports, level: 1 }).waitFor()
      await page.getByRole('heading', { name: r.resolved, level: 2 }).waitFor()
      await page.getByRole('heading', { name: r.mttr, level: 2 }).waitFor()
      const backlog = page.getByRole('region', { name: r.backlog }).getByRole('table')
      await backlog.waitFor()
      t.ok(await backlog.getByRole('row').count() >= 2, 'the backlog has a row per day')
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: r.csv }).click()])
      t.match(file.suggestedFilename(), /^itsm-tickets-\d{4}-\d{2}-\d{2}\.csv$/)
      t.match(readFileSync(await file.path(), 'utf8'), /^"number","type","status"/, 'the CSV export downloads, a quoted header first')
      await expectAccessible(t, page, `reports, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-reports-${lang}.png`, fullPage: true })
      t.same(errors, [], 'no errors in the page')
      await context.close()
    })
  }

  await t.test('a change waits for approval; pending asks for a reason', async t => {
    const { page, context, errors } = await openModule(agent.user.email, agent.password, 'en')
    await page.getByRole('heading', { name: 'Ticket queue', level: 1 }).waitFor()
    await page.getByRole('link', { name: 'New ticket' }).click()
    await page.getByRole('radio', { name: /^Change/ }).check()
    await page.getByLabel(/^Title/).fill('Replace the core switch')
    await page.getByRole('group', { name: 'Approvers' }).getByRole('checkbox', { name: /Ada Agent/ }).check()
    await page.getByRole('button', { name: 'Create ticket' }).click()
    await page.getByRole('heading', { name: 'Replace the core switch', level: 1 }).waitFor()
    const approval = page.getByRole('region', { name: 'Approval' })
    await approval.getByText('Awaiting approval').waitFor()

    const workflow = page.getByRole('region', { name: 'Status and assignment' })
    await workflow.getByRole('button', { name: 'Start work' }).click()
    await page.getByRole('dialog', { name: 'Start work' }).getByRole('button', { name: 'Start work' }).click()
    await page.getByRole('dialog', { name: 'Start work' }).getByText('This change needs its approvers’ approval before it can be worked on.').waitFor()
    t.pass('work on an unapproved change is refused, in words')
    await page.getByRole('dialog', { name: 'Start work' }).getByRole('button', { name: 'Cancel' }).click()

    await approval.getByLabel('Comment (optional)').fill('Window on Saturday')
    await approval.getByRole('button', { name: 'Approve' }).click()
    await approval.getByText('Approved', { exact: true }).first().waitFor()
    await workflow.getByRole('button', { name: 'Start work' }).click()
    await page.getByRole('dialog', { name: 'Start work' }).getByRole('button', { name: 'Start work' }).click()
    await workflow.locator('[data-status="open"]').waitFor()
    t.pass('once approved it can be worked on')

    await workflow.getByRole('button', { name: 'Set pending…' }).click()
    const pending = page.getByRole('dialog', { name: 'Set pending…' })
    await pending.getByRole('button', { name: 'Set pending…' }).click()
    t.equal(await pending.getByLabel(/^What is the ticket waiting for/).getAttribute('aria-invalid'), 'true', 'pending needs a reason')
    await pending.getByLabel(/^What is the ticket waiting for/).fill('Waiting for a change window')
    await pending.getByRole('button', { name: 'Set pending…' }).click()
    await page.getByText('Waiting: Waiting for a change window').waitFor()
    await page.locator('summary').filter({ hasText: 'History' }).click()
    await page.getByText('Open → Pending').waitFor()
    t.pass('the move is recorded with its reason')
    await expectAccessible(t, page, 'a change with its approval, en')
    await page.screenshot({ path: `${shots}itsm-change.png`, fullPage: true })
    t.same(errors, [], 'no errors in the page')
    await context.close()
  })
})
