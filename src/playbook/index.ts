/**
 * Playbooks: load and validate everything before any host is touched (plays, roles, task files,
 * modules and their parameters), and list tasks and tags as ansible-playbook does.
 */
export type * from './model.js';
export { PlaybookError, describeProblem, type PlaybookProblem } from './errors.js';
export {
  loadPlaybook,
  loadTaskFile,
  loadRole,
  resolveIncludeFile,
  type LoadPlaybookOptions,
  type LoadTaskFileContext,
  type LoadRoleOptions,
} from './load.js';
export {
  listTasks,
  listTags,
  formatListing,
  formatTaskList,
  formatTagList,
  tagsSelected,
  type ListedPlay,
  type ListedTask,
  type ListingOptions,
  type TagFilter,
} from './list.js';
export { findRole, roleSearchDirs } from './roles.js';
export { resolveModule, type Resolved } from './action.js';
export { KNOWN_MODULES } from './known-modules.js';
