/**
 * The data behind --list-tasks and --list-tags, and the text ansible-playbook prints for them:
 *
 *     (blank line)
 *     playbook: site.yml
 *     (blank line)
 *       play #1 (all): configure nodes	TAGS: []
 *         tasks:
 *           app group	TAGS: []
 *           common : packages	TAGS: [base]
 *           TASK TAGS: [base]          (--list-tags)
 *
 * As ansible-playbook does: tasks are those of pre_tasks, roles, tasks and post_tasks in order (the
 * `block:` part of blocks, not rescue/always), meta tasks are left out, the tag selection
 * (--tags/--skip-tags, by default "all", which leaves out tasks tagged `never`) applies, a task's
 * tags include those it inherits (play, role, block, import), and an unnamed task shows its module.
 */
import type { Node, Play, Playbook, SourcePos } from './model.js';

export interface TagFilter {
  /** --tags (default: all). */
  only?: readonly string[];
  /** --skip-tags. */
  skip?: readonly string[];
}

/** Ansible's Taggable.evaluate_tags: does a task with these (inherited) tags run under this selection? */
export function tagsSelected(tags: readonly string[], filter: TagFilter = {}): boolean {
  const only = filter.only?.length ? filter.only : ['all'];
  const skip = filter.skip ?? [];
  const set = new Set(tags.length ? tags : ['untagged']);
  const untagged = tags.length === 0;
  const meets = (list: readonly string[]) => list.some((t) => set.has(t));
  let run: boolean;
  if (set.has('always')) run = true;
  else if (only.includes('all') && !set.has('never')) run = true;
  else if (meets(only)) run = true;
  else if (only.includes('tagged') && !untagged && !set.has('never')) run = true;
  else run = false;
  if (run && skip.length) {
    if (skip.includes('all')) {
      if (!set.has('always') || skip.includes('always')) run = false;
    } else if (meets(skip)) run = false;
    else if (skip.includes('tagged') && !untagged) run = false;
  }
  return run;
}

export interface ListedTask {
  /** As ansible-playbook prints it: "role : name", the name, or the module when unnamed. */
  name: string;
  /** Every tag the task has, its own and inherited (play, role, block, import), sorted. */
  tags: string[];
  kind: 'task' | 'include';
  pos: SourcePos;
}

export interface ListedPlay {
  /** 1-based, as "play #1". */
  number: number;
  hosts: string;
  name: string;
  /** The play's own tags, in the order written. */
  tags: string[];
  tasks: ListedTask[];
  /** The play's tags and those of every listed task, sorted (--list-tags' "TASK TAGS"). */
  taskTags: string[];
}

function walk(nodes: readonly Node[], inherited: readonly string[], filter: TagFilter, out: ListedTask[]): void {
  for (const n of nodes) {
    const tags = [...new Set([...inherited, ...(n.tags ?? [])])];
    if (n.kind === 'block') {
      walk(n.block, tags, filter, out);
      continue;
    }
    if (n.kind === 'task' && n.module === 'meta') continue;
    if (!tagsSelected(tags, filter)) continue;
    const base = n.kind === 'task' ? n.moduleAs : n.action;
    const name = n.name ? (n.role ? `${n.role.name} : ${n.name}` : n.name) : base;
    out.push({ name, tags: [...tags].sort(), kind: n.kind, pos: n.pos });
  }
}

function listPlay(play: Play, index: number, filter: TagFilter): ListedPlay {
  const playTags = [...new Set(play.tags ?? [])];
  const tasks: ListedTask[] = [];
  for (const section of [play.pre_tasks, play.roles, play.tasks, play.post_tasks]) walk(section, playTags, filter, tasks);
  const taskTags = [...new Set([...playTags, ...tasks.flatMap((t) => t.tags)])].sort();
  return { number: index + 1, hosts: play.hosts, name: play.name, tags: playTags, tasks, taskTags };
}

/** The plays and the tasks --list-tasks shows, with their tags. */
export function listTasks(pb: Playbook, filter: TagFilter = {}): ListedPlay[] {
  return pb.plays.map((p, i) => listPlay(p, i, filter));
}

/** The plays and the tags --list-tags shows (play tags, and all tags of the selected tasks). */
export function listTags(pb: Playbook, filter: TagFilter = {}): Omit<ListedPlay, 'tasks'>[] {
  return listTasks(pb, filter).map(({ tasks: _tasks, ...rest }) => rest);
}

export interface ListingOptions extends TagFilter {
  tasks?: boolean;
  tags?: boolean;
  /** The playbook path as the user wrote it (default: the path it was loaded from). */
  path?: string;
}

/**
 * The text ansible-playbook prints for --list-tasks and/or --list-tags, without the final newline
 * (write it with one, as Ansible's display does).
 */
export function formatListing(pb: Playbook, options: ListingOptions): string {
  let out = `\nplaybook: ${options.path ?? pb.file}\n`;
  for (const play of listTasks(pb, options)) {
    out += `\n  play #${play.number} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(',')}]\n`;
    if (!options.tasks && !options.tags) continue;
    let msg = options.tasks ? '    tasks:\n' : '';
    if (options.tasks) for (const t of play.tasks) msg += `      ${t.name}\tTAGS: [${t.tags.join(', ')}]\n`;
    if (options.tags) msg += `      TASK TAGS: [${play.taskTags.join(', ')}]\n`;
    out += msg;
  }
  return out.replace(/\n$/, '');
}

/** ansible-playbook --list-tasks. */
export function formatTaskList(pb: Playbook, options: Omit<ListingOptions, 'tasks' | 'tags'> = {}): string {
  return formatListing(pb, { ...options, tasks: true });
}

/** ansible-playbook --list-tags. */
export function formatTagList(pb: Playbook, options: Omit<ListingOptions, 'tasks' | 'tags'> = {}): string {
  return formatListing(pb, { ...options, tags: true });
}
