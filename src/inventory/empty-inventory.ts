import type { Inventory } from './model.js';
import { LOCALHOST_NAMES } from './resolve.js';

/**
 * Ansible's warning when the inventory holds no host at all and the pattern is not a localhost name
 * (the implicit localhost matches only by name, never `all`); null when there is nothing to say.
 */
export function emptyInventoryWarning(inventory: Inventory, pattern: string): string | null {
  if (inventory.hosts.size > 0 || LOCALHOST_NAMES.includes(pattern)) return null;
  return "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'";
}
