import type { FleetEvent } from '../executor/events.js';
import { cleanValue } from './ansible-format.js';

export interface PlayJsonReporterOptions {
  /** Clock for events that carry no time of their own (warnings). */
  now?: () => number;
}

/**
 * `fleet play --json`: one JSON object per event, one per line, written as each event arrives, for
 * scripts to follow a run (`jq -c 'select(.type == "host_result")'`). Each line is the event as the
 * executor emits it (src/executor/events.ts: `type`, `host`, `task` {name, module, path, role,
 * handler}, `status`, `result`, `diff`, `stats`, ...) plus `time`, the event's `at` as an ISO 8601
 * string. Internal `_fleet…`/`_ansible…` keys are dropped at every depth; no_log results arrive
 * already censored by the executor.
 */
export function playJsonReporter(write: (text: string) => void, options: PlayJsonReporterOptions = {}): (event: FleetEvent) => void {
  const now = options.now ?? Date.now;
  return (event) => {
    const at = 'at' in event && typeof event.at === 'number' && Number.isFinite(event.at) ? event.at : now();
    const { type, ...rest } = event;
    const line: Record<string, unknown> = { type, time: new Date(at).toISOString(), at, ...(cleanValue(rest) as Record<string, unknown>) };
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch (error) {
      text = JSON.stringify({ type, time: line.time, at, error: `event could not be serialised: ${(error as Error).message}` });
    }
    write(text + '\n');
  };
}
