/**
 * Inventories and host patterns, with Ansible's semantics (see docs/inventory.md).
 * Pure code: reads files, never reaches a host.
 */
export type { Group, Host, Inventory, Vars, VarsDir } from './model.js';
export { loadInventory, INVENTORY_IGNORE_EXTENSIONS, NO_INVENTORY_PARSED, type LoadOptions } from './load.js';
export { emptyInventoryWarning } from './empty-inventory.js';
export {
  LOCALHOST_NAMES,
  IMPLICIT_LOCALHOST_VARS,
  hostVars,
  groupVars,
  hostGroups,
  groupHosts,
  groupsDict,
  hostMagicVars,
  hostContext,
  sortGroups,
  groupDepth,
  isImplicitLocalhost,
} from './resolve.js';
export {
  matchHosts,
  selectHosts,
  requireHosts,
  splitHostPattern,
  limitPatterns,
  type MatchOptions,
  type MatchResult,
} from './patterns.js';
export {
  inventoryList,
  inventoryHost,
  inventoryGraph,
  formatInventoryList,
  formatInventoryHost,
  formatJson,
  INTERNAL_VARS,
  type ListOptions,
  type GraphOptions,
} from './list.js';
export {
  connectionVars,
  toBoolean,
  CONNECTION_VAR_NAMES,
  type ConnectionVars,
  type HostKeyCheckingMode,
} from './connection.js';
export { expandHostRange, expandHostPattern, parseAddress } from './ranges.js';
export { loadVarsDir } from './vars-dirs.js';
