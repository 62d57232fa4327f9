import { ApiError } from '@monozu/kernel'
import manifest from '../plugin.json' with { type: 'json' }

/**
 * The devices module's ApiError: the kernel's codes plus the ones plugin.json declares under
 * `errors` (device keys, enrollment, command idempotency). Exported for edge-ingest, which
 * answers appliances with the same device-key code.
 */
export const DevicesError = ApiError.for(manifest)
