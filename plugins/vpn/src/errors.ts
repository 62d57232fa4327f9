import { ApiError } from '@monozu/kernel'
import manifest from '../plugin.json' with { type: 'json' }

/** The VPN module's ApiError: the kernel's codes plus those in plugin.json `errors`. */
export const VpnError = ApiError.for(manifest)
