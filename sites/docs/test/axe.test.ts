// axe-core on every built page of the public docs in Debian's Chromium, the search button included:
// no serious or critical violation (sites/test-kit/starlight-axe.ts).
import { resolve } from 'node:path'
import { starlightAxeTest } from '../../test-kit/starlight-axe.ts'

starlightAxeTest(resolve(import.meta.dirname, '..'))
