import type { Inventory, Vars } from '../../inventory/model.js';
import type { HandlerNode, Play, TaskNode } from '../../playbook/model.js';
import type { Templar } from '../../template/index.js';
import type { ConnectionOverrides } from '../connection-spec.js';
import type { ConnectionPool } from '../connections.js';
import type { EventSink, TaskRef } from '../events.js';
import type { HostStates } from './host-state.js';
export interface TagFilter {
  only: string[];
  skip: string[];
}
import type { VarSources } from './vars.js';

export type StepAnswer = 'yes' | 'no' | 'continue';

/** The state of one `fleet play` run, shared by the play, block and task runners. */
export interface Runtime {
  inventory: Inventory;
  states: HostStates;
  pool: ConnectionPool;
  templar: Templar;
  connection: ConnectionOverrides;
  extraVars: Vars;
  forks: number;
  checkMode: boolean;
  diffMode: boolean;
  tags: TagFilter;
  emit: EventSink;
  signal?: AbortSignal;
  /** --start-at-task: tasks are skipped until one with this name; cleared when found. */
  startAt?: string;
  /** -v count: debug's `verbosity:` above it makes that task skipped, as in Ansible. */
  verbosity: number;
  /** --strict: task files and roles included at run time refuse every task's own problem too. */
  strict: boolean;
  /** force_handlers: handlers notified before a host failed still run for it at the end of the section. */
  forceHandlers: boolean;
  /** --step: asked before each task. */
  step?: (task: TaskRef) => Promise<StepAnswer>;
  stepContinue?: boolean;
  /** Per play. */
  play: Play;
  vars: VarSources;
  handlers: HandlerNode[];
  /** Hosts of the current batch. */
  batch: string[];
  /** Stop the play for every host (any_errors_fatal, max_fail_percentage, end_play). */
  playEnded: boolean;
  /** As Ansible: after any_errors_fatal, max_fail_percentage or a batch whose every host failed, no later play of the playbook runs. */
  playbookStopped?: boolean;
  /** Task nodes already announced (free strategy announces a task once). */
  announced: Set<TaskNode>;
  /** The name each task was announced with: templated at its start, as Ansible's banner shows it. */
  shownNames: Map<TaskNode, string>;
}

export function interrupted(rt: Runtime): boolean {
  return !!rt.signal?.aborted;
}
