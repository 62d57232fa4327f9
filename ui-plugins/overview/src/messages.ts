import { defineMessages } from '@monozu/ui-sdk'

export const messages = defineMessages({
  en: {
    title: 'Overview',
    users: 'Users',
    pending: 'Jobs waiting',
    running: 'Jobs running',
    dead: 'Failed jobs',
    activity: 'Recent activity',
    noActivity: 'No activity yet',
    noActivityHint: 'Sign-ins, changes and jobs appear here as they happen.',
    jobsChart: 'Job queue while this page is open',
    activityChart: 'Activity per interval',
    pendingSeries: 'Waiting',
    runningSeries: 'Running',
    deadSeries: 'Failed',
    eventsSeries: 'Events',
    by: 'by {actor}',
    notFound: 'This page of Overview does not exist.',
    back: 'Back to Overview'
  },
  pl: {
    title: 'Przegląd',
    users: 'Użytkownicy',
    pending: 'Zadania w kolejce',
    running: 'Zadania w toku',
    dead: 'Nieudane zadania',
    activity: 'Ostatnia aktywność',
    noActivity: 'Brak aktywności',
    noActivityHint: 'Logowania, zmiany i zadania pojawią się tu na bieżąco.',
    jobsChart: 'Kolejka zadań od otwarcia strony',
    activityChart: 'Aktywność w przedziałach czasu',
    pendingSeries: 'W kolejce',
    runningSeries: 'W toku',
    deadSeries: 'Nieudane',
    eventsSeries: 'Zdarzenia',
    by: 'wykonał(a): {actor}',
    notFound: 'Ta strona Przeglądu nie istnieje.',
    back: 'Wróć do Przeglądu'
  }
})
