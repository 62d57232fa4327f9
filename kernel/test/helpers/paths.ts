import { fileURLToPath } from 'node:url'

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/plugins/${name}`, import.meta.url))
export const notesAndTags = [fixture('fx-notes'), fixture('fx-tags')]
export const gated = fixture('fx-gated')
export const jobsFixture = fixture('fx-jobs')
export const tickerFixture = fixture('fx-ticker')
export const eventsPublisher = fixture('fx-events-pub')
export const eventsSubscriber = fixture('fx-events-sub')
export const alertsFixture = fixture('fx-alerts')
export const rolesFixture = fixture('fx-roles')
