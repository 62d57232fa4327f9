import { definePlugin } from '@monozu/kernel'
import { defineArchive } from './archive.ts'
import { itemRoutes } from './items.ts'

/** Partner Notes: README.md lists the routes, the table, the job and the channel. */
export default definePlugin({
  start (ctx, app) {
    defineArchive(ctx)
    itemRoutes(ctx, app)
  }
})
