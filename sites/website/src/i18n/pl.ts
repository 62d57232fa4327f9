import { company } from '../data/company.ts'
import type { Dictionary } from './types.ts'

export const pl: Dictionary = {
  meta: {
    lang: 'pl',
    intlLocale: 'pl-PL',
    ogLocale: 'pl_PL',
    currency: 'PLN',
    languageName: 'Polski',
    siteDescription: 'Monozu Cloud to wielodostępna platforma do zarządzania IT dla dostawców usług zarządzanych (MSP): moduły dla infrastruktury każdego klienta w jednym miejscu.'
  },
  a11y: {
    skipLink: 'Przejdź do treści',
    openMenu: 'Otwórz menu',
    closeMenu: 'Zamknij menu',
    mainNav: 'Główna nawigacja',
    footerNav: 'Nawigacja w stopce',
    switchLanguage: 'Zmień język',
    homeLink: 'Monozu Cloud — strona główna'
  },
  nav: {
    products: 'Produkty',
    pricing: 'Cennik',
    contact: 'Kontakt',
    cta: 'Umów prezentację',
    signIn: 'Zaloguj się',
    docs: 'Dokumentacja'
  },
  footer: {
    tagline: 'Platforma do zarządzania IT dla firm, które opiekują się infrastrukturą wielu klientów.',
    products: 'Produkty',
    company: 'Firma',
    legal: 'Informacje prawne',
    privacy: 'Polityka prywatności',
    terms: 'Regulamin',
    imprint: 'Dane firmy',
    rights: 'Wszelkie prawa zastrzeżone.',
    madeIn: 'Projektujemy i rozwijamy w Polsce.'
  },
  home: {
    title: 'Monozu Cloud — platforma do zarządzania IT dla MSP',
    metaDescription: 'Monozu Cloud to wielodostępna platforma do zarządzania IT dla dostawców usług IT: każdy klient osobno, wszystko w jednym widoku.',
    hero: {
      eyebrow: 'Platforma dla dostawców usług IT (MSP)',
      title: 'Cała infrastruktura Twoich klientów w jednej platformie',
      lead: 'Monozu Cloud łączy moduły {modules} w jednej platformie{coming}. Każdy klient ma własną, odizolowaną przestrzeń, a Ty — jeden widok na wszystko i płatność tylko za moduły, których naprawdę używasz.',
      comingClause: ', a kolejne — {modules} — są w drodze',
      primaryCta: 'Umów prezentację',
      secondaryCta: 'Zobacz cennik',
      image: '/images/platform-overview-pl.svg',
      imageAlt: 'Szkic aplikacji Monozu Cloud: menu z dostępnymi modułami i lista wszystkich modułów, każdy ze swoim stanem — dostępny albo wkrótce'
    },
    pillars: {
      title: 'Zbudowana dla firm, które obsługują wielu klientów',
      items: [
        {
          title: 'Prawdziwa wielodostępność',
          body: 'Dane każdego klienta są oddzielone na poziomie bazy danych, a nie tylko w interfejsie. Technik widzi wyłącznie tych klientów, do których ma uprawnienia.'
        },
        {
          title: 'Moduły zamiast jednego pakietu',
          body: 'Włączasz tylko potrzebne obszary i dokładasz kolejne, gdy rośnie Twoja oferta — i gdy pojawiają się nowe moduły.'
        },
        {
          title: 'Jedno logowanie, pełny ślad',
          body: 'Logowanie przez Microsoft Entra ID, role i uprawnienia w każdym module oraz dziennik audytu, który zapisuje każdą istotną operację.'
        }
      ]
    },
    modules: {
      title: 'Moduły jednej platformy',
      lead: 'Każdy moduł działa samodzielnie, a razem korzystają ze wspólnych danych o klientach, urządzeniach i usługach.',
      more: 'Więcej o module'
    },
    steps: {
      title: 'Jak zacząć',
      lead: 'Pierwszego klienta uruchomisz w jedno popołudnie.',
      items: [
        {
          title: 'Dodaj klientów',
          body: 'Załóż przestrzeń dla każdego klienta i zaproś jego administratorów lub własnych techników. Uprawnienia nadajesz rolami.'
        },
        {
          title: 'Podłącz urządzenia',
          body: 'Zarejestruj stacje robocze, serwery i urządzenia brzegowe. Informacje o sprzęcie, oprogramowaniu i stanie trafiają prosto do CMDB.'
        },
        {
          title: 'Włącz moduły i automatyzuj',
          body: 'Włącz moduły, których potrzebujesz. Zadania w tle i powiadomienia na żywo zrobią resztę.'
        }
      ]
    },
    platform: {
      title: 'Fundamenty, na których możesz polegać',
      lead: 'Te same zasady obowiązują w każdym module — także w tych, które dodają nasi partnerzy.',
      items: [
        {
          title: 'Izolacja danych w bazie',
          body: 'Polityki row-level security w bazie danych pilnują, aby zapytanie w imieniu jednego klienta nigdy nie zwróciło danych innego.'
        },
        {
          title: 'Aktualizacje na żywo',
          body: 'Zmiany statusów, nowe alerty i postęp zadań pojawiają się na ekranie bez odświeżania strony.'
        },
        {
          title: 'Otwarte API',
          body: 'Funkcje platformy są dostępne przez REST API opisane w OpenAPI, więc łatwo połączysz Monozu z systemem PSA, RMM czy fakturowania.'
        },
        {
          title: 'Rozszerzenia od partnerów',
          body: 'Architektura wtyczek pozwala Tobie i naszym partnerom dodawać własne moduły, które działają według tych samych zasad bezpieczeństwa.'
        }
      ]
    },
    cta: {
      title: 'Zobacz Monozu Cloud w działaniu',
      body: 'W 30 minut pokażemy, jak platforma sprawdzi się u Twoich klientów, i odpowiemy na pytania o wdrożenie oraz licencjonowanie.',
      button: 'Umów prezentację'
    }
  },
  modulePage: {
    eyebrow: 'Moduł {module}',
    highlightsTitle: 'Najważniejsze możliwości',
    useCasesTitle: 'W praktyce',
    worksWithTitle: 'Połącz z innymi modułami',
    priceFrom: 'Od',
    perSeatMonth: 'netto za stanowisko miesięcznie',
    seePricing: 'Zobacz pełny cennik',
    ctaTitle: 'Chcesz zobaczyć moduł {module} w działaniu?',
    ctaBody: 'Pokażemy moduł na przykładowych danych i pomożemy zaplanować wdrożenie u Twoich klientów.',
    ctaButton: 'Umów prezentację',
    coming: {
      title: 'Ten moduł jest w przygotowaniu',
      body: 'Nie można go jeszcze kupić ani włączyć. Cenę podamy, gdy moduł będzie dostępny. Napisz do nas, jeśli chcesz wiedzieć o tym jako pierwszy.',
      button: 'Daj mi znać'
    },
    priceOnRequest: 'Cena na zapytanie'
  },
  moduleStatus: { available: 'Dostępny', coming: 'Wkrótce' },
  modules: {
    cmdb: {
      tagline: 'Baza konfiguracji, która wie, co od czego zależy.',
      metaDescription: 'CMDB w Monozu Cloud: typowane elementy konfiguracji, relacje i analiza wpływu, import i eksport CSV oraz historia zmian dla każdego klienta MSP.',
      title: 'Wiedz, co masz i co się stanie, gdy coś przestanie działać',
      lead: 'Moduł CMDB gromadzi serwery, stacje robocze, urządzenia sieciowe, licencje i usługi każdego klienta w jednym, uporządkowanym rejestrze. Relacje między elementami pokazują, których usług dotknie awaria, zanim zadzwoni telefon.',
      highlights: [
        { title: 'Typowane elementy konfiguracji', body: 'Każdy typ elementu ma własne pola i reguły poprawności, więc dane pozostają spójne niezależnie od tego, kto je wprowadza.' },
        { title: 'Relacje i analiza wpływu', body: 'Połącz serwer z aplikacją, aplikację z usługą, a usługę z klientem. Analiza wpływu pokaże cały łańcuch zależności.' },
        { title: 'Import i eksport CSV', body: 'Przenieś istniejącą dokumentację z arkuszy w kilka minut. Eksport przyda się przy audytach i raportach dla klienta.' },
        { title: 'Historia każdej zmiany', body: 'Kto, kiedy i co zmienił — każda modyfikacja trafia do dziennika audytu, który można przeszukiwać.' }
      ],
      useCases: [
        { title: 'Przejęcie nowego klienta', body: 'Zaimportuj inwentaryzację z arkusza, uzupełnij ją danymi z zarejestrowanych urządzeń i już w pierwszym tygodniu miej pełny obraz środowiska.' },
        { title: 'Planowanie zmian', body: 'Przed restartem serwera sprawdź, które usługi i którzy użytkownicy odczują przerwę, i uprzedź ich z wyprzedzeniem.' },
        { title: 'Licencje i umowy serwisowe', body: 'Powiąż licencje i umowy z urządzeniami, aby z wyprzedzeniem widzieć zbliżające się terminy odnowień.' }
      ],
      plans: {
        standard: ['Nieograniczona liczba elementów konfiguracji', 'Relacje i analiza wpływu', 'Import i eksport CSV'],
        professional: ['Własne typy elementów i pola', 'Automatyczne uzupełnianie z modułu Urządzenia', 'Pełna historia zmian w dzienniku audytu']
      }
    },
    itsm: {
      tagline: 'Zgłoszenia, SLA i zmiany pod kontrolą — osobno dla każdego klienta.',
      metaDescription: 'ITSM w Monozu Cloud: obsługa zgłoszeń i incydentów, czasy SLA, zarządzanie zmianą i portal dla klientów w jednej platformie dla MSP.',
      title: 'Obsługa zgłoszeń, która nie gubi terminów',
      lead: 'Incydenty, prośby o usługę i zmiany od wszystkich firm, którymi się opiekujesz, trafiają do jednej kolejki. Każde zgłoszenie ma właściwe SLA, przypisanego technika i powiązanie z urządzeniami z CMDB.',
      highlights: [
        { title: 'Incydenty i prośby o usługę', body: 'Osobne ścieżki dla awarii i rutynowych próśb, z kategoriami, priorytetami i szablonami odpowiedzi.' },
        { title: 'Czasy SLA dla każdego klienta', body: 'Określ czasy reakcji i rozwiązania zgodne z umową każdego klienta. Liczniki ostrzegą zespół, zanim termin minie.' },
        { title: 'Zarządzanie zmianą', body: 'Wnioski o zmianę z oceną ryzyka, akceptacją i harmonogramem, powiązane z elementami CMDB, których dotyczą.' },
        { title: 'Portal dla klientów', body: 'Użytkownicy klienta zgłaszają sprawy i śledzą ich status samodzielnie, bez dzwonienia na infolinię.' }
      ],
      useCases: [
        { title: 'Jedna kolejka dla całego zespołu', body: 'Technicy widzą zgłoszenia wszystkich swoich klientów w jednym widoku, uporządkowane według czasu pozostałego do przekroczenia SLA.' },
        { title: 'Miesięczny raport dla klienta', body: 'Liczba zgłoszeń, czasy reakcji i dotrzymanie SLA w gotowym zestawieniu, które możesz wysłać razem z fakturą.' },
        { title: 'Incydent z pełnym kontekstem', body: 'Zgłoszenie od razu pokazuje urządzenie użytkownika, jego ostatnie alerty bezpieczeństwa i stan kopii zapasowej.' }
      ],
      plans: {
        standard: ['Incydenty i prośby o usługę', 'Czasy SLA i powiadomienia', 'Portal dla klientów'],
        professional: ['Zarządzanie zmianą z akceptacjami', 'Powiązania zgłoszeń z CMDB', 'Raporty SLA dla klientów']
      }
    },
    security: {
      tagline: 'Stan zabezpieczeń wszystkich klientów na jednym ekranie.',
      metaDescription: 'Security w Monozu Cloud: stan aktualizacji, szyfrowania i ochrony stacji roboczych, polityki bezpieczeństwa i alerty dla wszystkich klientów MSP.',
      title: 'Zobacz luki, zanim zrobi to ktoś inny',
      lead: 'Moduł Bezpieczeństwo zbiera z urządzeń informacje o aktualizacjach, szyfrowaniu dysków, ochronie antywirusowej i zaporze, porównuje je z przyjętymi politykami i pokazuje, co wymaga uwagi — u każdego klienta i łącznie.',
      highlights: [
        { title: 'Polityki bezpieczeństwa', body: 'Zdefiniuj wymagania, np. szyfrowanie dysku, aktualny system i włączoną zaporę, i przypisz je klientom lub grupom urządzeń.' },
        { title: 'Ocena zgodności', body: 'Każde urządzenie dostaje ocenę zgodności z polityką, a odstępstwa trafiają na listę uporządkowaną według ważności.' },
        { title: 'Alerty w czasie rzeczywistym', body: 'Wyłączona ochrona lub podejrzane zdarzenie trafia do zespołu od razu, a w razie potrzeby — jako zgłoszenie w ITSM.' },
        { title: 'Raporty dla klientów', body: 'Czytelne podsumowanie stanu bezpieczeństwa, które ułatwia rozmowę z klientem o ryzyku i budżecie.' }
      ],
      useCases: [
        { title: 'Przygotowanie do audytu', body: 'Pokaż audytorowi, że wszystkie laptopy są zaszyfrowane i aktualne — z historią zmian i datą ostatniej weryfikacji.' },
        { title: 'Reakcja na krytyczną podatność', body: 'W kilka minut sprawdź, u których klientów działają urządzenia bez najnowszej poprawki, i zaplanuj aktualizację.' },
        { title: 'Nowa usługa w ofercie', body: 'Sprzedawaj klientom monitorowanie bezpieczeństwa jako usługę z przejrzystym, comiesięcznym raportem.' }
      ],
      plans: {
        standard: ['Polityki i ocena zgodności', 'Alerty e-mail i w aplikacji', 'Pulpit stanu bezpieczeństwa'],
        professional: ['Automatyczne zgłoszenia w ITSM', 'Raporty zgodności dla klientów', 'Historia zgodności i eksport dla audytorów']
      }
    },
    vpn: {
      tagline: 'Bezpieczny dostęp do sieci klientów bez ręcznej konfiguracji.',
      metaDescription: 'VPN w Monozu Cloud: tunele między lokalizacjami, zdalny dostęp dla użytkowników i techników, zarządzanie kluczami i stan połączeń w czasie rzeczywistym.',
      title: 'Połącz biura, ludzi i serwery — z jednego panelu',
      lead: 'Konfiguruj tunele między lokalizacjami i zdalny dostęp dla pracowników klienta bez logowania się do każdego routera z osobna. Klucze, uprawnienia i stan połączeń masz w jednym miejscu.',
      highlights: [
        { title: 'Tunele między lokalizacjami', body: 'Połącz biura i serwerownie klienta w jedną sieć. Konfigurację urządzeń brzegowych przygotowuje i rozsyła platforma.' },
        { title: 'Zdalny dostęp dla użytkowników', body: 'Pracownicy klienta łączą się z siecią firmową z dowolnego miejsca, a dostęp nadajesz i odbierasz jednym kliknięciem.' },
        { title: 'Zarządzanie kluczami', body: 'Klucze są tworzone, wymieniane i unieważniane centralnie. Odejście pracownika nie wymaga ręcznych zmian na routerach.' },
        { title: 'Stan połączeń na żywo', body: 'Widzisz, które tunele działają, kto jest połączony i ile danych przesłano, a zerwane połączenie wywołuje alert.' }
      ],
      useCases: [
        { title: 'Nowe biuro klienta', body: 'Zarejestruj urządzenie brzegowe w nowej lokalizacji, a tunel do centrali zestawi się bez wizyty technika.' },
        { title: 'Dostęp serwisowy dla techników', body: 'Twoi technicy mają dostęp tylko do sieci klientów, których obsługują, a każde połączenie zostaje w dzienniku audytu.' },
        { title: 'Praca zdalna', body: 'Pracownicy klienta pracują z domu tak bezpiecznie jak w biurze, a Ty nie zarządzasz dziesiątkami plików konfiguracyjnych.' }
      ],
      plans: {
        standard: ['Zdalny dostęp dla użytkowników', 'Centralne zarządzanie kluczami', 'Stan połączeń na żywo'],
        professional: ['Tunele między lokalizacjami', 'Dostęp serwisowy z dziennikiem audytu', 'Alerty o zerwanych połączeniach']
      }
    },
    backup: {
      tagline: 'Kopie zapasowe, którym możesz zaufać — i dowód, że działają.',
      metaDescription: 'Backup w Monozu Cloud: polityki kopii zapasowych, monitorowanie zadań, testy odtwarzania i raporty dla klientów MSP.',
      title: 'Kopia zapasowa jest tyle warta, co udane odtworzenie',
      lead: 'Ustal polityki kopii zapasowych dla serwerów i stacji roboczych klientów, monitoruj każde zadanie i regularnie sprawdzaj, czy dane da się odtworzyć. Nieudana kopia nie przejdzie niezauważona.',
      highlights: [
        { title: 'Polityki dla każdego klienta', body: 'Harmonogram, zakres i czas przechowywania kopii ustawiasz raz dla klienta lub grupy urządzeń.' },
        { title: 'Monitorowanie zadań', body: 'Status każdego zadania widać na bieżąco. Błąd lub pominięta kopia od razu trafia do zespołu.' },
        { title: 'Testy odtwarzania', body: 'Planuj okresowe próby odtworzenia i zapisuj ich wyniki, aby mieć dowód, że kopie naprawdę działają.' },
        { title: 'Raporty dla klientów', body: 'Comiesięczne zestawienie wykonanych kopii i testów, które pokazuje klientowi wartość usługi.' }
      ],
      useCases: [
        { title: 'Awaria serwera plików', body: 'Sprawdź w jednym miejscu, kiedy powstała ostatnia poprawna kopia i jak długo trwało ostatnie próbne odtworzenie.' },
        { title: 'Wymagania ubezpieczyciela', body: 'Przedstaw historię kopii i testów odtwarzania, której coraz częściej wymagają polisy od ryzyk cybernetycznych.' },
        { title: 'Porządek w retencji', body: 'Jednolite reguły przechowywania u wszystkich klientów zamiast innych ustawień na każdym serwerze.' }
      ],
      plans: {
        standard: ['Polityki kopii dla każdego klienta', 'Monitorowanie zadań i alerty', 'Pulpit stanu kopii'],
        professional: ['Planowane testy odtwarzania', 'Raporty dla klientów', 'Automatyczne zgłoszenia w ITSM przy błędach']
      }
    },
    devices: {
      tagline: 'Rejestracja, inwentaryzacja i zdalne polecenia dla całej floty.',
      metaDescription: 'Devices w Monozu Cloud: rejestracja urządzeń, inwentaryzacja sprzętu i oprogramowania, zdalne polecenia i stan urządzeń na żywo dla MSP.',
      title: 'Każde urządzenie klienta zawsze pod ręką',
      lead: 'Zarejestruj stacje robocze, serwery i urządzenia brzegowe u wszystkich klientów. Monozu zbiera ich inwentaryzację, pokazuje stan na żywo i pozwala wysyłać zdalne polecenia — bez logowania się na każdą maszynę.',
      highlights: [
        { title: 'Bezpieczna rejestracja', body: 'Każde urządzenie dostaje własny klucz, który można w każdej chwili unieważnić. Rejestracja zajmuje kilka minut.' },
        { title: 'Inwentaryzacja sprzętu i oprogramowania', body: 'Procesor, pamięć, dyski, system i zainstalowane aplikacje są zbierane automatycznie i trafiają do CMDB.' },
        { title: 'Zdalne polecenia', body: 'Uruchom skrypt, restart lub aktualizację na jednym urządzeniu albo na całej grupie i śledź wynik na żywo.' },
        { title: 'Stan na żywo', body: 'Widzisz, które urządzenia są dostępne, kiedy ostatnio się zgłosiły i które wymagają uwagi.' }
      ],
      useCases: [
        { title: 'Wdrożenie nowego klienta', body: 'Zarejestruj urządzenia, a pełna inwentaryzacja pojawi się w CMDB jeszcze tego samego dnia.' },
        { title: 'Działania na wielu urządzeniach', body: 'Wyślij polecenie do wszystkich komputerów w dziale lub u klienta, zamiast łączyć się z każdym z osobna.' },
        { title: 'Urządzenia, które zniknęły', body: 'Lista urządzeń, które od dawna się nie zgłaszają, pomaga wychwycić zgubiony sprzęt i nieaktualną dokumentację.' }
      ],
      plans: {
        standard: ['Rejestracja i klucze urządzeń', 'Inwentaryzacja sprzętu i oprogramowania', 'Stan urządzeń na żywo'],
        professional: ['Zdalne polecenia i skrypty', 'Działania na grupach urządzeń', 'Synchronizacja z CMDB']
      }
    }
  },
  pricing: {
    title: 'Cennik',
    metaDescription: 'Cennik Monozu Cloud: płacisz za moduły i stanowiska, których potrzebujesz. Plany Standard i Professional dla każdego dostępnego modułu.',
    heading: 'Płać tylko za to, czego używasz',
    lead: 'Każdy moduł ma dwa plany, a cena zależy od liczby stanowisk. Moduły i plany możesz łączyć dowolnie — także inaczej dla każdego klienta.',
    note: 'Ceny netto w złotych za jedno stanowisko miesięcznie przy rozliczeniu rocznym; do cen doliczamy VAT. Przy rozliczeniu miesięcznym cena jest wyższa o {surcharge}.',
    perSeatMonth: 'za stanowisko / mies.',
    plans: {
      standard: { name: 'Standard', description: 'Wszystko, czego zespół potrzebuje na co dzień.' },
      professional: { name: 'Professional', description: 'Automatyzacja i raporty dla wymagających klientów.' }
    },
    includesPrevious: 'Wszystko ze Standard, a także:',
    cta: 'Zapytaj o ofertę',
    everyPlan: {
      title: 'W każdym planie',
      items: [
        'Logowanie przez Microsoft Entra ID (SSO)',
        'Role i uprawnienia dla techników i klientów',
        'Dziennik audytu',
        'REST API z dokumentacją OpenAPI',
        'Aktualizacje na żywo w przeglądarce',
        'Pomoc techniczna po polsku i angielsku'
      ]
    },
    enterprise: {
      title: 'Ponad 500 stanowisk?',
      body: 'Dla większych wdrożeń przygotujemy indywidualną ofertę z rabatem wolumenowym, umową SLA i wsparciem przy migracji danych.',
      cta: 'Porozmawiajmy'
    },
    faqTitle: 'Najczęstsze pytania',
    faq: [
      {
        question: 'Czym jest stanowisko?',
        answer: 'Stanowisko to jedno aktywne konto użytkownika z dostępem do danego modułu, np. Twojego technika lub administratora po stronie klienta.'
      },
      {
        question: 'Czy muszę kupić wszystkie moduły?',
        answer: 'Nie. Każdy moduł kupujesz osobno i możesz zacząć od jednego. Kolejne włączysz w dowolnym momencie, a opłatę za nie naliczymy proporcjonalnie do końca okresu rozliczeniowego.'
      },
      {
        question: 'Jak rozliczacie MSP, które obsługują wielu klientów?',
        answer: 'Sumujemy stanowiska ze wszystkich przestrzeni klientów i wystawiamy jedną fakturę. W panelu widzisz zużycie w podziale na klientów, co ułatwia refakturowanie.'
      },
      {
        question: 'Czy mogę najpierw przetestować platformę?',
        answer: 'Tak. Przez 30 dni możesz bezpłatnie korzystać ze wszystkich dostępnych modułów w planie Professional, bez podawania danych karty.'
      },
      {
        question: 'Jak wygląda płatność?',
        answer: 'Wystawiamy faktury VAT z 14-dniowym terminem płatności. Przy rozliczeniu rocznym płacisz z góry za 12 miesięcy, przy miesięcznym — co miesiąc.'
      },
      {
        question: 'Czy mogę zmienić plan lub liczbę stanowisk?',
        answer: 'Tak, w dowolnym momencie. Dodatkowe stanowiska doliczamy proporcjonalnie od dnia ich dodania, a zmniejszenie liczby stanowisk obowiązuje od kolejnego okresu rozliczeniowego.'
      },
      {
        question: 'Co stanie się z danymi, jeśli zrezygnuję?',
        answer: 'Przed końcem umowy możesz wyeksportować dane przez API lub do plików CSV. Po jej zakończeniu usuwamy dane zgodnie z umową powierzenia przetwarzania danych.'
      }
    ],
    comingNote: 'Moduły oznaczone jako „wkrótce” są w przygotowaniu: nie można ich jeszcze kupić, a ich ceny podamy, gdy będą dostępne.'
  },
  contact: {
    title: 'Kontakt',
    metaDescription: 'Skontaktuj się z Monozu Cloud: umów prezentację platformy, zapytaj o cennik lub wdrożenie. Odpowiadamy w ciągu jednego dnia roboczego.',
    heading: 'Porozmawiajmy o Twoich klientach',
    lead: 'Napisz, czego potrzebujesz — prezentacji, wyceny czy odpowiedzi na pytanie techniczne. Odpowiemy w ciągu jednego dnia roboczego.',
    form: {
      legend: 'Formularz kontaktowy',
      name: 'Imię i nazwisko',
      email: 'Służbowy adres e-mail',
      company: 'Firma',
      optional: '(opcjonalnie)',
      message: 'Wiadomość',
      messageHint: 'Od 10 do 5000 znaków.',
      honeypot: 'Zostaw to pole puste',
      captcha: 'Weryfikacja antyspamowa',
      submit: 'Wyślij wiadomość',
      sending: 'Wysyłanie…',
      privacyBefore: `Administratorem danych z formularza jest ${company.legalName} — używamy ich wyłącznie, aby odpowiedzieć na Twoją wiadomość. Szczegóły znajdziesz w `,
      privacyLink: 'polityce prywatności',
      privacyAfter: '.',
      noscript: `Formularz wymaga włączonej obsługi JavaScriptu. Możesz też napisać bezpośrednio na adres ${company.salesEmail}.`
    },
    status: {
      rateLimitedFor: 'Wysłano zbyt wiele wiadomości. Spróbuj ponownie za {wait}.',
      sending: 'Wysyłamy wiadomość…',
      success: 'Dziękujemy! Wiadomość dotarła. Odpowiemy w ciągu jednego dnia roboczego.',
      invalid: 'Popraw zaznaczone pola i spróbuj ponownie.',
      network: 'Nie udało się połączyć z serwerem. Sprawdź połączenie z internetem i spróbuj ponownie.',
      captchaMissing: 'Potwierdź, że nie jesteś botem, i wyślij formularz ponownie.',
      captchaUnavailable: `Nie udało się wczytać weryfikacji antyspamowej. Odśwież stronę albo napisz do nas na adres ${company.salesEmail}.`,
      unknown: `Coś poszło nie tak. Spróbuj ponownie za chwilę albo napisz na adres ${company.salesEmail}.`,
      codes: {
        invalid_input: 'Popraw zaznaczone pola i spróbuj ponownie.',
        invalid_json: 'Nie udało się odczytać formularza. Odśwież stronę i spróbuj ponownie.',
        captcha_failed: 'Weryfikacja antyspamowa nie powiodła się. Potwierdź ją ponownie i wyślij formularz.',
        origin_not_allowed: `Formularz nie przyjmuje wiadomości z tej strony. Napisz do nas na adres ${company.salesEmail}.`,
        method_not_allowed: 'Serwer odrzucił żądanie. Odśwież stronę i spróbuj ponownie.',
        too_large: 'Wiadomość jest za długa. Skróć ją i spróbuj ponownie.',
        unsupported_media_type: 'Serwer odrzucił żądanie. Odśwież stronę i spróbuj ponownie.',
        rate_limited: 'Wysłano zbyt wiele wiadomości. Spróbuj ponownie za kilka minut.',
        mail_failed: `Nie udało się teraz wysłać wiadomości. Spróbuj ponownie za kilka minut albo napisz na adres ${company.salesEmail}.`,
        captcha_unavailable: 'Usługa weryfikacji antyspamowej jest chwilowo niedostępna. Spróbuj ponownie za kilka minut.'
      }
    },
    fieldErrors: {
      required: 'To pole jest wymagane.',
      format: 'Wpisz poprawny adres e-mail, np. jan.kowalski@firma.pl.',
      too_short: 'Wpisz co najmniej {min} znaków.',
      too_long: 'Wpisz najwyżej {max} znaków.',
      invalid: 'Sprawdź wartość tego pola.'
    },
    aside: {
      title: 'Co dalej?',
      steps: [
        'Odpowiemy w ciągu jednego dnia roboczego i zaproponujemy termin rozmowy.',
        'Podczas 30-minutowej prezentacji pokażemy moduły, które Cię interesują.',
        'Dostaniesz 30-dniowy dostęp testowy, aby sprawdzić platformę u siebie.'
      ],
      emailTitle: 'Wolisz e-mail?',
      emailBody: 'Napisz do nas na adres'
    }
  },
  privacy: {
    title: 'Polityka prywatności',
    metaDescription: 'Jak Monozu Cloud przetwarza dane osobowe przesłane przez formularz kontaktowy: administrator, cele, podstawy prawne, okres przechowywania, odbiorcy i Twoje prawa.',
    heading: 'Polityka prywatności',
    updated: 'Ostatnia aktualizacja',
    intro: 'Ta polityka wyjaśnia, jak przetwarzamy dane osobowe, które przekazujesz nam przez formularz kontaktowy na tej stronie. Strona nie używa plików cookie do analityki ani reklamy.',
    sections: [
      {
        heading: 'Administrator danych',
        blocks: [
          `Administratorem Twoich danych osobowych jest ${company.legalName} (dalej: „Monozu”, „my”). We wszystkich sprawach dotyczących ochrony danych możesz pisać na adres ${company.privacyEmail}.`
        ]
      },
      {
        heading: 'Jakie dane przetwarzamy',
        blocks: [
          [
            'dane, które wpisujesz w formularzu: imię i nazwisko, adres e-mail, nazwę firmy (jeśli ją podasz) i treść wiadomości, a także wersję językową strony, z której wysyłasz formularz;',
            'adres IP i dane techniczne przeglądarki, potrzebne do ochrony formularza przed spamem i nadużyciami (weryfikacja Cloudflare Turnstile i limit liczby wiadomości wysyłanych z jednego adresu IP).'
          ],
          'Podanie danych jest dobrowolne, ale bez imienia i nazwiska, adresu e-mail i treści wiadomości nie możemy odpowiedzieć na zapytanie.'
        ]
      },
      {
        heading: 'Cele i podstawy prawne przetwarzania',
        blocks: [
          [
            'odpowiedź na Twoją wiadomość i dalsza korespondencja — na podstawie naszego prawnie uzasadnionego interesu, jakim jest komunikacja z osobami, które się z nami kontaktują (art. 6 ust. 1 lit. f RODO);',
            'przygotowanie oferty, wyceny lub prezentacji, o które prosisz — jako działania podejmowane na Twoje żądanie przed zawarciem umowy (art. 6 ust. 1 lit. b RODO);',
            'ochrona formularza przed spamem, botami i nadużyciami — na podstawie naszego prawnie uzasadnionego interesu (art. 6 ust. 1 lit. f RODO);',
            'ustalenie, dochodzenie lub obrona roszczeń, jeśli zajdzie taka potrzeba — na podstawie naszego prawnie uzasadnionego interesu (art. 6 ust. 1 lit. f RODO).'
          ]
        ]
      },
      {
        heading: 'Jak długo przechowujemy dane',
        blocks: [
          'Wiadomość i dane kontaktowe przechowujemy przez czas potrzebny do obsługi zapytania, a następnie przez 12 miesięcy od ostatniej wymiany wiadomości, na wypadek gdybyś chciał lub chciała wrócić do rozmowy. Jeśli zawrzemy umowę, korespondencja stanie się częścią jej dokumentacji i będzie przechowywana przez okres wymagany przepisami.',
          'Adres IP używany do limitu liczby wiadomości przechowujemy tylko tak długo, jak działa ten limit, i nie dłużej niż 24 godziny. Jeśli skutecznie wniesiesz sprzeciw, usuniemy dane wcześniej.'
        ]
      },
      {
        heading: 'Odbiorcy danych i podmioty przetwarzające',
        blocks: [
          'Korzystamy z usług zaufanych dostawców, którzy przetwarzają dane w naszym imieniu na podstawie umów powierzenia przetwarzania danych:',
          [
            'Cloudflare, Inc. (USA) — usługa Cloudflare Turnstile, która sprawdza, czy formularz wysyła człowiek, oraz infrastruktura, która przyjmuje wiadomość z formularza. Turnstile analizuje dane techniczne, takie jak adres IP, typ przeglądarki i sposób interakcji ze stroną;',
            'Resend (USA) — usługa wysyłki poczty elektronicznej, za pośrednictwem której treść formularza trafia do naszej skrzynki.'
          ],
          'Dane mogą otrzymać także organy publiczne, jeśli wymagają tego przepisy prawa.'
        ]
      },
      {
        heading: 'Przekazywanie danych poza Europejski Obszar Gospodarczy',
        blocks: [
          `Cloudflare i Resend mogą przetwarzać dane w Stanach Zjednoczonych. Przekazanie odbywa się na podstawie decyzji Komisji Europejskiej stwierdzającej odpowiedni stopień ochrony (EU-U.S. Data Privacy Framework) — w odniesieniu do dostawców certyfikowanych w tym programie — albo na podstawie standardowych klauzul umownych zatwierdzonych przez Komisję Europejską (art. 46 ust. 2 lit. c RODO). Kopię zastosowanych zabezpieczeń otrzymasz, pisząc na adres ${company.privacyEmail}.`
        ]
      },
      {
        heading: 'Twoje prawa',
        blocks: [
          'Masz prawo do:',
          [
            'dostępu do swoich danych i otrzymania ich kopii (art. 15 RODO);',
            'sprostowania danych (art. 16 RODO);',
            'usunięcia danych (art. 17 RODO);',
            'ograniczenia przetwarzania (art. 18 RODO);',
            'przenoszenia danych przetwarzanych w związku z działaniami przed zawarciem umowy (art. 20 RODO);',
            'wniesienia sprzeciwu wobec przetwarzania opartego na naszym prawnie uzasadnionym interesie (art. 21 RODO).'
          ],
          `Aby skorzystać z tych praw, napisz na adres ${company.privacyEmail}. Odpowiemy bez zbędnej zwłoki, nie później niż w ciągu miesiąca. Masz też prawo wnieść skargę do Prezesa Urzędu Ochrony Danych Osobowych (ul. Stawki 2, 00-193 Warszawa) lub do organu nadzorczego w państwie członkowskim UE, w którym mieszkasz lub pracujesz.`
        ]
      },
      {
        heading: 'Zautomatyzowane podejmowanie decyzji',
        blocks: [
          `Nie podejmujemy wobec Ciebie decyzji opartych wyłącznie na zautomatyzowanym przetwarzaniu, w tym profilowaniu, które wywoływałyby skutki prawne lub w podobny sposób istotnie na Ciebie wpływały. Wynik weryfikacji Turnstile służy wyłącznie do odrzucania zautomatyzowanych zgłoszeń; jeśli weryfikacja się nie powiedzie, napisz do nas bezpośrednio na adres ${company.salesEmail}.`
        ]
      },
      {
        heading: 'Zmiany polityki',
        blocks: [
          'Możemy aktualizować tę politykę, np. gdy zmienimy dostawców. Aktualna wersja jest zawsze dostępna na tej stronie, a data ostatniej zmiany znajduje się na jej początku.'
        ]
      }
    ]
  },
  terms: {
    title: 'Regulamin',
    metaDescription: 'Regulamin świadczenia usług Monozu Cloud: zawarcie umowy, licencje na moduły, płatności, dostępność, dane i odpowiedzialność.',
    heading: 'Regulamin świadczenia usług Monozu Cloud',
    updated: 'Ostatnia aktualizacja',
    intro: `Regulamin określa zasady korzystania z platformy Monozu Cloud świadczonej przez ${company.legalName} (dalej: „my”) na rzecz przedsiębiorców (dalej: „Klient”). Platforma jest przeznaczona wyłącznie dla przedsiębiorców; nie zawieramy umów z konsumentami.`,
    sections: [
      {
        heading: 'Zawarcie umowy',
        blocks: [
          'Umowa zostaje zawarta z chwilą akceptacji zamówienia przez nas. Zamówienie określa moduły, plany, liczbę stanowisk i okres rozliczeniowy.',
          'Szczegółowe warunki, w tym umowa powierzenia przetwarzania danych osobowych, mogą zostać uzgodnione w odrębnej umowie; w razie sprzeczności ma ona pierwszeństwo przed regulaminem.'
        ]
      },
      {
        heading: 'Moduły i licencje',
        blocks: [
          'Klient korzysta z modułów wskazanych w zamówieniu, w ramach licencji przypisanej do jego organizacji. Moduły oznaczone na stronie jako „wkrótce” nie są przedmiotem sprzedaży.',
          'Licencja jest niewyłączna, nieprzenoszalna i obowiązuje przez czas trwania umowy.'
        ]
      },
      {
        heading: 'Płatności',
        blocks: [
          'Opłaty są naliczane za stanowiska według cennika obowiązującego w dniu zamówienia. Wystawiamy faktury VAT z 14-dniowym terminem płatności.'
        ]
      },
      {
        heading: 'Dostępność i wsparcie',
        blocks: [
          `Dokładamy starań, aby platforma działała nieprzerwanie; planowane prace ogłaszamy z wyprzedzeniem. Zgłoszenia dotyczące działania usługi przyjmujemy pod adresem ${company.salesEmail}.`
        ]
      },
      {
        heading: 'Dane Klienta',
        blocks: [
          'Dane wprowadzone do platformy należą do Klienta. Przed zakończeniem umowy Klient może je wyeksportować przez API lub do plików CSV; po jej zakończeniu usuwamy je zgodnie z umową powierzenia.'
        ]
      },
      {
        heading: 'Odpowiedzialność',
        blocks: [
          'Nasza odpowiedzialność wobec Klienta jest ograniczona do szkody rzeczywistej i do wysokości opłat zapłaconych przez Klienta w ciągu 12 miesięcy poprzedzających zdarzenie, chyba że przepis bezwzględnie obowiązujący stanowi inaczej.'
        ]
      },
      {
        heading: 'Reklamacje i kontakt',
        blocks: [
          `Reklamacje i pytania dotyczące regulaminu prosimy kierować na adres ${company.legalEmail}. Odpowiadamy w ciągu 14 dni.`
        ]
      },
      {
        heading: 'Prawo właściwe',
        blocks: [
          'Umowa podlega prawu polskiemu. Spory rozstrzyga sąd właściwy dla naszej siedziby.'
        ]
      }
    ]
  },
  imprint: {
    title: 'Dane firmy',
    metaDescription: `Dane rejestrowe ${company.legalName}, operatora Monozu Cloud: adres, rejestr, NIP, REGON i kontakt.`,
    heading: 'Dane firmy',
    updated: 'Ostatnia aktualizacja',
    intro: `Monozu Cloud świadczy ${company.legalName}.`,
    sections: [],
    labels: {
      legalName: 'Firma',
      address: 'Adres siedziby',
      registry: 'Rejestr',
      taxId: 'NIP',
      regon: 'REGON',
      capital: 'Kapitał zakładowy',
      email: 'E-mail',
      representatives: 'Zarząd'
    },
    toFill: 'do uzupełnienia'
  },
  notFound: {
    title: 'Nie znaleziono strony',
    body: 'Strona, której szukasz, nie istnieje albo została przeniesiona.',
    home: 'Wróć na stronę główną'
  }
}
