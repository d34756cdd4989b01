import type { Vars } from '../../inventory/model.js';
import type { Predicted, PredictedState } from '../../modules/types.js';
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

  /** Check mode: what earlier tasks would have changed on this host. */
  private readonly predictedPaths = new Map<string, 'file' | 'directory' | 'link' | 'absent'>();
  private readonly predictedPackages = new Map<string, 'present' | 'absent'>();
  private readonly predictedServices = new Map<string, 'started' | 'stopped'>();

  constructor(readonly name: string) {}

  remember(predicted: Predicted): void {
    for (const [k, v] of Object.entries(predicted.paths ?? {})) this.predictedPaths.set(k.replace(/\/+$/, '') || '/', v);
    for (const [k, v] of Object.entries(predicted.packages ?? {})) this.predictedPackages.set(k, v);
    for (const [k, v] of Object.entries(predicted.services ?? {})) this.predictedServices.set(k, v);
  }

  readonly predicted: PredictedState = {
    path: (path) => {
      const clean = path.replace(/\/+$/, '') || '/';
      const own = this.predictedPaths.get(clean);
      if (own) return own;
      // A path below one predicted absent is absent too.
      for (const [p, kind] of this.predictedPaths) if (kind === 'absent' && clean.startsWith(`${p}/`)) return 'absent';
      return undefined;
    },
    package: (name) => this.predictedPackages.get(name),
    service: (name) => this.predictedServices.get(name),
  };

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
