import t from 'tap'
import { loadConfig } from '../src/config/config.ts'
import { absoluteLink, escapeHtml, renderNotification } from '../src/notifications/email/templates.ts'

t.test('SMTP_URL needs MAIL_FROM: a start-up config error', async t => {
  t.throws(() => loadConfig({ SMTP_URL: 'smtp://u:p@127.0.0.1:2525' }), { code: 'config_invalid', message: /MAIL_FROM is required when SMTP_URL is set/ })
  const config = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465', MAIL_FROM: 'Monozu <alerts@example.com>' })
  t.equal(config.smtpUrl, 'smtps://u:p@mail.example:465')
  t.equal(config.mailFrom, 'Monozu <alerts@example.com>')
  t.equal(config.mailDigestHour, 7, 'the digest goes out at 07:00 UTC by default')
  t.equal(loadConfig({}).smtpUrl, undefined, 'unset: email off')
  t.equal(loadConfig({ MAIL_DIGEST_HOUR: '18' }).mailDigestHour, 18)
  t.throws(() => loadConfig({ MAIL_DIGEST_HOUR: '24' }), { code: 'config_invalid', message: /MAIL_DIGEST_HOUR="24" is not valid/ })
})

t.test('a bad SMTP_URL is refused without echoing its password', async t => {
  const err = t.throws(() => loadConfig({ SMTP_URL: 'http://user:hunter2-secret@mail.example', MAIL_FROM: 'a@b.example' }), { code: 'config_invalid' }) as Error
  t.match(err.message, /SMTP_URL=\(hidden\) is not valid: expected smtp:\/\//)
  t.notMatch(err.message, 'hunter2')
})

t.test('MAIL_FROM cannot carry a header break', async t => {
  t.throws(() => loadConfig({ SMTP_URL: 'smtp://h:25', MAIL_FROM: 'a@b.example\r\nBcc: x@evil.example' }), { code: 'config_invalid', message: /MAIL_FROM/ })
})

t.test('links stay under PUBLIC_URL; text is escaped', async t => {
  t.equal(absoluteLink('https://app.example/', '/devices/1'), 'https://app.example/devices/1')
  t.equal(absoluteLink('https://app.example', '//evil.example/x'), null)
  t.equal(absoluteLink('https://app.example', 'https://evil.example'), null)
  t.equal(absoluteLink('https://app.example', null), null)
  t.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  const mail = renderNotification({ type: 't.x', typeLabel: 'X', severity: 'info', title: 'Hello', body: 'B', link: null, createdAt: new Date() }, 'en', 'https://app.example')
  t.equal(mail.subject, 'Hello', 'info has no severity prefix')
  t.notMatch(mail.html, 'Open in Monozu', 'no button without a link')
  t.match(mail.text, 'https://app.example/settings/notifications')
})
