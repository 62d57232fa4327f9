/**
 * Calls `gone` once when the process that started this one goes away, however it died.
 *
 * Started by scripts/start.ts (`npm start`), the kernel has an IPC channel to it: the channel
 * closes when the wrapper dies, even by SIGKILL, which no signal handler sees. Started directly
 * (`npm run monozu -- start`, a service manager), there is no channel: a new parent pid then
 * means the old one is gone. A kernel whose parent is already init (a container's pid 1 or a
 * daemon) has nothing to watch.
 */
export function watchParent (gone: (reason: string) => void): void {
  if (process.channel) {
    process.once('disconnect', () => gone('the process that started it (its IPC channel closed)'))
    // The server keeps the process alive; the channel must not, once the server stops.
    process.channel.unref()
    return
  }
  const parent = process.ppid
  if (parent <= 1) return
  const poll = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(poll)
    gone(`its parent process ${parent}`)
  }, 1000)
  poll.unref()
}
