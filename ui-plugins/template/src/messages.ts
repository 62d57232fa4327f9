import { defineMessages } from '@monozu/ui-sdk'

/** Every text in both languages; a key missing in one of them does not compile. */
export const messages = defineMessages({
  en: {
    title: 'Template',
    intro: 'A module built from ui-plugins/template. Replace this page with yours.',
    items: 'Items',
    name: 'Name',
    created: 'Created',
    add: 'Add item',
    nameRequired: 'Enter a name.',
    added: 'Added “{name}”.',
    detail: 'Item {id}',
    back: 'Back to the list'
  },
  pl: {
    title: 'Szablon',
    intro: 'Moduł zbudowany z ui-plugins/template. Zastąp tę stronę własną.',
    items: 'Elementy',
    name: 'Nazwa',
    created: 'Utworzono',
    add: 'Dodaj element',
    nameRequired: 'Podaj nazwę.',
    added: 'Dodano „{name}”.',
    detail: 'Element {id}',
    back: 'Wróć do listy'
  }
})
