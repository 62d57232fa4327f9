import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort } from '../../src/testing/internal.ts'

export interface TestSmtp {
  /** smtp://user:password@127.0.0.1:port */
  url: string
  user: string
  password: string
  /** Every message accepted so far, parsed, with the envelope's recipients. */
  messages: Array<ParsedMail & { envelopeTo: string[] }>
  /** Logins the server saw (user names). */
  logins: string[]
  /** While set, every message is refused with this SMTP reply code (e.g. 550). */
  rejectWith: number | null
  close (): Promise<void>
}

/** A real SMTP server on 127.0.0.1 that requires a login (plain text: no STARTTLS, so no certificate). */
export async function startSmtp (): Promise<TestSmtp> {
  const port = await freePort()
  const user = 'mailer'
  const password = `pw-${Math.random().toString(36).slice(2)}-smtp`
  const state: TestSmtp = {
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    user,
    password,
    messages: [],
    logins: [],
    rejectWith: null,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth (auth, _session, callback) {
      if (auth.username === user && auth.password === password) {
        state.logins.push(auth.username)
        return callback(null, { user: auth.username })
      }
      callback(new Error('Invalid username or password'))
    },
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (state.rejectWith) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: state.rejectWith }))
        simpleParser(Buffer.concat(chunks)).then(mail => {
          state.messages.push(Object.assign(mail, { envelopeTo: session.envelope.rcptTo.map(r => r.address) }))
          callback()
        }, callback)
      })
    }
  })
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()) })
  return state
}
