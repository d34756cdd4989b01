/**
 * Ctrl-C once: stop starting new work and let what runs finish (the run then reports and exits 99).
 * Ctrl-C twice: leave at once with 99.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(99);
    process.stderr.write('\n[interrupted] finishing running work; press Ctrl-C again to quit now\n');
    controller.abort();
  });
  return controller.signal;
}
