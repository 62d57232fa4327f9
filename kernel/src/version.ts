/** The kernel API version plugins declare compatibility with (plugin.json `kernel`). */
export const KERNEL_API_VERSION = '1.6.0'
