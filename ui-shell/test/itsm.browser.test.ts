import t from 'tap'
import { browserSkip, expectAccessible, repoPath, shots, startBrowserKernel, type SignedIn } from './helpers/browser.ts'

// The service desk end to end: a real kernel with the itsm plugin, the built shell and module, and
// Chromium. A requester files a ticket in the portal, an agent answers it (an internal note and a
// public reply), and the requester sees the reply but never the note; in English, then in Polish,
// with axe on every screen on the way.
const itsm = repoPath('plugins/itsm')

t.test('the itsm module in a real browser', { skip: browserSkip('itsm') }, async t => {
  const { k, signIn, close } = await startBrowserKernel([itsm])
  t.teardown(close)

  const tenant = await k.createTenant({ slug: 'itsm-browser', name: 'ITSM Browser' })
  await k.grantLicense(tenant, ['itsm'])
  const agent = await k.createUser(tenant, { roles: ['tenant-admin'], email: 'agent@itsm.example', password: 'agent-password-1', name: 'Ada Agent' })
  const requester = await k.createUser(tenant, { roles: ['member'], email: 'rita@itsm.example', password: 'rita-password-1', name: 'Rita Requester' })

  /** Signs in and opens the module from the shell's navigation (whatever its label, the link to /m/itsm). */
  async function openModule (email: string, password: string, lang: 'en' | 'pl'): Promise<SignedIn> {
    const signed = await signIn(email, password)
    const { page } = signed
    await page.getByRole('navigation', { name: /^(Modules|Moduły)$/ }).locator('a[href="/m/itsm"]').waitFor()
    if (lang === 'pl') await page.getByLabel(/^(Language|Język)$/).selectOption('pl')
    await page.getByRole('navigation', { name: /^(Modules|Moduły)$/ }).locator('a[href="/m/itsm"]').click()
    await page.getByTestId('module-itsm').waitFor()
    return signed
  }

  const texts = {
    en: {
      portal: 'My requests', newRequest: 'New request', title: 'Title', description: 'Description', send: 'Send request', required: 'Required.',
      queue: 'Ticket queue', reply: 'Reply to the requester', note: 'Internal note', sendReply: 'Send reply', addNote: 'Add note',
      publicReply: 'Public reply', conversation: 'Conversation', yourReply: 'Your reply', search: 'Search', sla: 'SLA',
      ticketTitle: 'The VPN drops every hour', noteText: 'Checked the concentrator logs: DPD timeouts.', replyText: 'We raised the **DPD timeout**; please try again and tell us.'
    },
    pl: {
      portal: 'Moje zgłoszenia', newRequest: 'Nowe zgłoszenie', title: 'Tytuł', description: 'Opis', send: 'Wyślij zgłoszenie', required: 'Wymagane.',
      queue: 'Kolejka zgłoszeń', reply: 'Odpowiedź dla zgłaszającego', note: 'Notatka wewnętrzna', sendReply: 'Wyślij odpowiedź', addNote: 'Dodaj notatkę',
      publicReply: 'Odpowiedź publiczna', conversation: 'Rozmowa', yourReply: 'Twoja odpowiedź', search: 'Szukaj', sla: 'SLA',
      ticketTitle: 'Drukarka na 2. piętrze nie drukuje', noteText: 'Toner pusty, zamówiony u dostawcy.', replyText: 'Wymieniliśmy **toner**; proszę sprawdzić wydruk.'
    }
  } as const

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
      await page.getByRole('heading', { name: x.sla }).waitFor()

      await page.getByRole('radio', { name: x.note }).check()
      await page.getByRole('textbox', { name: x.note, exact: true }).fill(x.noteText)
      await page.getByRole('button', { name: x.addNote }).click()
      const note = page.locator('article[data-visibility="internal"]').filter({ hasText: x.noteText })
      await note.waitFor()
      t.ok(await note.getByText(x.note, { exact: true }).isVisible(), 'the note is labelled as internal')

      await page.getByRole('radio', { name: x.publicReply }).check()
      await page.getByRole('textbox', { name: x.reply, exact: true }).fill(x.replyText)
      await page.getByRole('button', { name: x.sendReply }).click()
      const reply = page.locator('article[data-visibility="public"]').filter({ hasText: x.replyText.replace(/\*\*/g, '').split(';')[0]!.slice(0, 12) })
      await reply.waitFor()
      t.ok(await reply.getByText(x.publicReply, { exact: true }).isVisible(), 'the reply is labelled as public')
      await expectAccessible(t, page, `agent's ticket page, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-agent-ticket-${lang}.png`, fullPage: true })
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
      await expectAccessible(t, page, `requester sees the reply, ${lang}`)
      await page.screenshot({ path: `${shots}itsm-requester-reply-${lang}.png`, fullPage: true })
      t.same(errors, [], 'no errors in the page')
      await context.close()
    })
  }
})
