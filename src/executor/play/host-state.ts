import type { Vars } from '../../inventory/model.js';
import { emptyStats, type HostStats } from '../events.js';

/** What the run has learnt about one host so far: facts, registered results, failures, handlers. */
export class HostState {
  readonly stats: HostStats = emptyStats();
  /** Gathered facts (setup), without the ansible_ prefix, as in `ansible_facts`. */
  facts: Vars = {};
  /** set_fact and register results: above everything but extra vars. */
  readonly setFacts: Vars = {};
  /** include_vars results: just below set_fact. */
  readonly includedVars: Vars = {};
  /** Failed in this play (out of the remaining tasks, except rescue/always). */
  failed = false;
  unreachable = false;
  /** Ended by meta end_host / end_play. */
  ended = false;
  /** Handler names (or listen topics) notified and not yet run. */
  readonly notified = new Set<string>();

  constructor(readonly name: string) {}

  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }
}

export class HostStates {
  private readonly states = new Map<string, HostState>();

  get(host: string): HostState {
    let state = this.states.get(host);
    if (!state) {
      state = new HostState(host);
      this.states.set(host, state);
    }
    return state;
  }

  all(): HostState[] {
    return [...this.states.values()];
  }

  stats(): Record<string, HostStats> {
    return Object.fromEntries(this.all().map((s) => [s.name, s.stats]));
  }
}
