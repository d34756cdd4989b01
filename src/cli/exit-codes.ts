import { FleetError, InventoryError, UsageError } from '../errors.js';

/** ansible's exit codes: 2 bad options, 4 a source that cannot be parsed, 5 a bad config value, 1 anything else. */
export function exitCodeForError(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof FleetError && error.code === 'CONFIG') return 5;
  if (error instanceof InventoryError) return 4;
  // Ad hoc: an unknown module or bad arguments are Ansible's 2 (its hosts fail); a playbook that cannot be parsed, 4.
  if (error instanceof FleetError && ['UNKNOWN_MODULE', 'MODULE_ARGS'].includes(error.code)) return 2;
  if (error instanceof FleetError) return ['PLAYBOOK', 'NOT_IMPLEMENTED'].includes(error.code) ? 4 : 1;
  return 1;
}
