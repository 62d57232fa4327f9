import { defineMessages } from '@monozu/ui-sdk'

/** The reports page (itsm.agent). */
export const reportMessages = defineMessages({
  en: {
    reportsTitle: 'Reports',
    agentsOnly: 'Reports are for service desk agents.',
    period: 'Report period',
    from: 'From',
    to: 'To',
    periodInvalid: 'Choose a start day on or before the end day.',
    exportCsv: 'Export tickets as CSV',
    reportUnavailable: 'The report could not be loaded',
    figures: 'Key figures',
    resolved: 'Resolved',
    mttr: 'Mean time to resolve',
    slaCompliance: 'SLA compliance',
    slaMet: '{met} of {measured} tickets with an SLA met it',
    mttrByPriority: 'Mean time to resolve by priority',
    nothingResolved: 'No ticket was resolved in this period.',
    backlogTitle: 'Backlog by group',
    backlogHint: 'Tickets still open at the end of each day (UTC), per group.',
    noBacklog: 'No tickets in this period.',
    day: 'Day',
    minutes: '{n} min',
    hours: '{n} h'
  },
  pl: {
    reportsTitle: 'Raporty',
    agentsOnly: 'Raporty są dostępne dla agentów obsługi zgłoszeń.',
    period: 'Okres raportu',
    from: 'Od',
    to: 'Do',
    periodInvalid: 'Wybierz dzień początkowy nie późniejszy niż końcowy.',
    exportCsv: 'Eksportuj zgłoszenia do CSV',
    reportUnavailable: 'Nie udało się wczytać raportu',
    figures: 'Najważniejsze liczby',
    resolved: 'Rozwiązane',
    mttr: 'Średni czas rozwiązania',
    slaCompliance: 'Zgodność z SLA',
    slaMet: 'Dotrzymano SLA w {met} z {measured} zgłoszeń objętych SLA',
    mttrByPriority: 'Średni czas rozwiązania według priorytetu',
    nothingResolved: 'W tym okresie nie rozwiązano żadnego zgłoszenia.',
    backlogTitle: 'Zaległości według grup',
    backlogHint: 'Zgłoszenia otwarte na koniec każdego dnia (UTC), według grup.',
    noBacklog: 'Brak zgłoszeń w tym okresie.',
    day: 'Dzień',
    minutes: '{n} min',
    hours: '{n} godz.'
  }
})
