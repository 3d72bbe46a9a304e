// The layers of the program, checked in `npm test` (npm run check:layers) and drawn for
// docs/development.md (npm run graph). A folder may import its own files, the folders
// below it, and nothing above: the pure core knows no world, the world's parts know no
// composition root, and no part knows the tests.
const LAYERS = {
  // The words everyone shares, and the pure statecharts.
  common: [],
  machines: ['common'],
  hardware: ['common'],
  // What every part of src/ may use.
  'src/limits': ['common', 'machines'],
  'src/time': ['common', 'machines', 'src/limits'],
  // The settings read what they are given and know no part that uses them.
  'src/settings': ['common', 'machines', 'src/limits', 'src/time'],
  'src/store': ['common', 'machines', 'src/limits', 'src/time'],
  'src/cluster': ['common', 'machines', 'src/limits', 'src/time', 'src/settings'],
  // The household key: below everything that signs, verifies or shows it.
  'src/household': ['common', 'machines', 'src/limits', 'src/time', 'src/settings', 'src/store', 'src/cluster'],
  'src/history': [
    'common',
    'machines',
    'src/limits',
    'src/time',
    'src/settings',
    'src/store',
    'src/cluster',
    'src/household',
  ],
  // The observers and the commands: beside each other, never into each other.
  'src/web': [
    'common',
    'machines',
    'src/limits',
    'src/time',
    'src/settings',
    'src/cluster',
    'src/history',
    'src/household',
  ],
  'src/mqtt': ['common', 'machines', 'src/limits', 'src/time', 'src/settings', 'src/cluster', 'src/history'],
  'src/notify': ['common', 'machines', 'src/limits', 'src/time', 'src/settings', 'src/store', 'src/cluster'],
  'src/commands': [
    'common',
    'machines',
    'hardware',
    'src/limits',
    'src/time',
    'src/settings',
    'src/store',
    'src/cluster',
    'src/history',
    'src/notify',
    'src/web',
    'src/household',
  ],
};

/** Every folder of a layer, and the composition root above them all (src/node and src/cli.ts). */
const layerRules = Object.entries(LAYERS).map(([layer, below]) => ({
  name: `layer-${layer.replace('/', '-')}`,
  comment: `${layer}/ imports only ${below.length > 0 ? below.join(', ') : 'itself'} (and packages)`,
  severity: 'error',
  from: { path: `^${layer}/` },
  to: {
    path: '^(common|machines|hardware|src|test|bench|release|web)/',
    pathNot: [`^${layer}/`, ...below.map((folder) => `^${folder}/`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: one of the two sides belongs below the other, or shares a leaf file with it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'machines-are-pure',
      comment: 'machines/ are pure statecharts: xstate, each other and common/ only.',
      severity: 'error',
      from: { path: '^machines/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'core'], pathNot: '^node_modules/xstate/' },
    },
    {
      name: 'shipped-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(src|machines|common|hardware)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'src-node-is-the-root',
      comment: 'Only the entry point imports the composition root.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/node/', '^src/cli\\.ts$'] },
      to: { path: '^src/node/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage|\\.arm64)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: {
      archi: { collapsePattern: '^(src/[^/]+|machines|common|hardware|web)/' },
    },
  },
};
