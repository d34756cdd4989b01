import { describe, expect, it } from 'vitest';
import { formatListing, formatTagList, formatTaskList, listTags, listTasks, loadPlaybook, tagsSelected } from '../src/playbook/index.js';

const FILE = 'test/fixtures/playbooks/list/site.yml';

describe('--list-tasks and --list-tags', () => {
  it('lists the tasks of each play with their tags as ansible-playbook prints them', async () => {
    const pb = await loadPlaybook(FILE);
    expect(formatTaskList(pb)).toBe(
      [
        '',
        `playbook: ${FILE}`,
        '',
        '  play #1 (web): first play\tTAGS: [play1]',
        '    tasks:',
        '      pre\tTAGS: [play1]',
        '      app : app task\tTAGS: [app, play1]',
        '      tagged task\tTAGS: [a, b, play1]',
        '      command\tTAGS: [play1]',
        '      always\tTAGS: [always, play1]',
        '      in block\tTAGS: [blk, play1]',
        '      include_tasks\tTAGS: [play1]',
        '      post\tTAGS: [play1]',
        '',
        '  play #2 (db): db\tTAGS: []',
        '    tasks:',
      ].join('\n'),
    );
  });

  it('lists the tags of each play', async () => {
    const pb = await loadPlaybook(FILE);
    expect(formatTagList(pb)).toBe(
      [
        '',
        `playbook: ${FILE}`,
        '',
        '  play #1 (web): first play\tTAGS: [play1]',
        '      TASK TAGS: [a, always, app, b, blk, play1]',
        '',
        '  play #2 (db): db\tTAGS: []',
        '      TASK TAGS: []',
      ].join('\n'),
    );
    expect(listTags(pb)).toEqual([
      { number: 1, hosts: 'web', name: 'first play', tags: ['play1'], taskTags: ['a', 'always', 'app', 'b', 'blk', 'play1'] },
      { number: 2, hosts: 'db', name: 'db', tags: [], taskTags: [] },
    ]);
  });

  it('applies --tags / --skip-tags, and prints both lists together', async () => {
    const pb = await loadPlaybook(FILE);
    expect(listTasks(pb, { only: ['never'] })[0]!.tasks.map((t) => t.name)).toEqual(['never runs by default', 'always']);
    expect(listTasks(pb, { only: ['a', 'app'] })[0]!.tasks.map((t) => t.name)).toEqual(['app : app task', 'tagged task', 'always']);
    expect(listTasks(pb, { skip: ['play1'] })[0]!.tasks.map((t) => t.name)).toEqual([]);
    expect(formatListing(pb, { tasks: true, tags: true, only: ['blk'], path: 'site.yml' })).toBe(
      [
        '',
        'playbook: site.yml',
        '',
        '  play #1 (web): first play\tTAGS: [play1]',
        '    tasks:',
        '      always\tTAGS: [always, play1]',
        '      in block\tTAGS: [blk, play1]',
        '      TASK TAGS: [always, blk, play1]',
        '',
        '  play #2 (db): db\tTAGS: []',
        '    tasks:',
        '      TASK TAGS: []',
      ].join('\n'),
    );
    const first = listTasks(pb)[0]!.tasks[0]!;
    expect(first).toEqual({ name: 'pre', tags: ['play1'], kind: 'task', pos: { file: FILE, line: 6, column: 7 } });
  });

  it("selects tags as Ansible's evaluate_tags does", () => {
    expect(tagsSelected([])).toBe(true);
    expect(tagsSelected(['never'])).toBe(false);
    expect(tagsSelected(['never', 'x'], { only: ['x'] })).toBe(true);
    expect(tagsSelected(['always'], { only: ['x'] })).toBe(true);
    expect(tagsSelected(['always'], { skip: ['always'] })).toBe(false);
    expect(tagsSelected(['always'], { skip: ['all'] })).toBe(true);
    expect(tagsSelected([], { only: ['untagged'] })).toBe(true);
    expect(tagsSelected(['a'], { only: ['untagged'] })).toBe(false);
    expect(tagsSelected(['a'], { only: ['tagged'] })).toBe(true);
    expect(tagsSelected(['a'], { skip: ['tagged'] })).toBe(false);
    expect(tagsSelected(['a', 'b'], { skip: ['b'] })).toBe(false);
  });

  it('loads and lists a seed-style playbook (modules fleet may not have yet)', async () => {
    const pb = await loadPlaybook('test/fixtures/playbooks/seed-style/site.yml');
    expect(pb.plays.map((p) => p.name)).toEqual(['distribute public key', 'mount the data volume', 'software and services']);
    expect(listTasks(pb).flatMap((p) => p.tasks.map((t) => t.name))).toEqual([
      'generate an ssh key on the controller',
      'authorize it',
      'make a filesystem',
      'mount it',
      'packages',
      'clone the repository',
      'python requirements',
      'redis config',
      'bind address',
      'open ports',
      'services',
      'worker unit',
      'start workers',
    ]);
    const tasks = pb.plays[2]!.tasks as import('../src/playbook/model.js').TaskNode[];
    expect(tasks.map((t) => t.module)).toEqual(['dnf', 'git', 'pip', 'template', 'lineinfile', 'firewalld', 'service', 'copy', 'systemd']);
    expect(tasks[6]).toMatchObject({ loop: ['redis', 'firewalld'], loopWith: 'items' });
  });

  it('lists playbooks whose modules fleet does not implement yet', async () => {
    const pb = await loadPlaybook('test/fixtures/playbooks/bad/unimplemented.yml');
    expect(formatTaskList(pb).split('\n').slice(4)).toEqual([
      '    tasks:',
      '      desktop setting\tTAGS: []',
      '      debconf answer\tTAGS: []',
      '      again with the builtin name\tTAGS: []',
      '      an at job\tTAGS: []',
      '      a real one still works\tTAGS: []',
    ]);
  });
});
