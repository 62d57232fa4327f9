import { ApiError } from '@monozu/kernel'
import manifest from '../plugin.json' with { type: 'json' }

/** The kernel's problem codes and the ones plugin.json declares. */
export const ManagementError = ApiError.for(manifest)
