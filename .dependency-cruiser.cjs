/**
 * The layering of docs/architecture.md, enforced: `npm run lint:layers` fails on an import against
 * the layers or on any import cycle.
 */
const layer = (name) => `^src/${name}/`;

/** [from, [layers it must not import]] */
const forbidden = [
  ['cli', ['transport', 'modules', 'template', 'metrics', 'pipeline']],
  ['executor', ['cli', 'output', 'lab', 'metrics', 'pipeline']],
  ['output', ['cli', 'transport', 'lab', 'pipeline']],
  ['modules', ['cli', 'executor', 'output', 'inventory', 'playbook', 'lab', 'metrics', 'pipeline']],
  ['transport', ['cli', 'executor', 'output', 'modules', 'inventory', 'playbook', 'template', 'lab', 'metrics', 'pipeline']],
  ['inventory', ['cli', 'executor', 'output', 'modules', 'transport', 'playbook', 'lab', 'metrics', 'pipeline']],
  ['playbook', ['cli', 'executor', 'output', 'transport', 'lab', 'metrics', 'pipeline']],
  ['template', ['cli', 'executor', 'output', 'transport', 'modules', 'lab', 'metrics', 'pipeline']],
  ['lab', ['cli', 'executor', 'output', 'modules', 'transport', 'playbook', 'template', 'metrics', 'pipeline']],
  ['pipeline', ['cli', 'executor', 'output', 'modules', 'transport', 'inventory', 'playbook', 'template', 'lab', 'metrics', 'util', 'bench']],
  ['config', ['cli', 'executor', 'output', 'modules', 'transport', 'inventory', 'playbook', 'template', 'lab', 'metrics', 'pipeline']],
  ['util', ['cli', 'executor', 'output', 'modules', 'transport', 'inventory', 'playbook', 'template', 'lab', 'metrics', 'pipeline']],
];

module.exports = {
  forbidden: [
    ...forbidden.map(([from, targets]) => ({
      name: `layer-${from}`,
      comment: `src/${from} must not import ${targets.join(', ')} (docs/architecture.md)`,
      severity: 'error',
      from: { path: layer(from) },
      to: { path: `^src/(${targets.join('|')})/` },
    })),
    {
      name: 'no-cycles',
      comment: 'import cycles make layers meaningless and start-up order fragile',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'sockets-only-in-transport',
      comment:
        'only src/transport opens connections to hosts; src/lab may only wait for its own nodes to show an SSH banner (src/lab/node.ts)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(transport|pipeline|bench)/|^src/lab/node\\.ts$' },
      to: { path: '^(ssh2|net|node:net|tls|node:tls)$', dependencyTypes: ['npm', 'core'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Packages that expose subpaths through package.json "exports" (csv-parse/sync) resolve as Node does.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
