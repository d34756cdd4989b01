/** What a service's wanted `state` asks of it, given whether it runs now: the one verb to run, if any. */
export type ServiceVerb = 'start' | 'stop' | 'restart' | 'reload';

export function serviceTransition(state: string | undefined, running: boolean): { verb?: ServiceVerb; running: boolean } {
  switch (state) {
    case 'started':
      return running ? { running } : { verb: 'start', running: true };
    case 'stopped':
      return running ? { verb: 'stop', running: false } : { running };
    case 'restarted':
      return { verb: 'restart', running: true };
    case 'reloaded':
      // Reloading a stopped service starts it, as Ansible's service module does.
      return { verb: running ? 'reload' : 'start', running: true };
    default:
      return { running };
  }
}
