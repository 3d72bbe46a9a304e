// `npm ci` in a clone runs this as `prepare`: it builds dist/ with TypeScript. Where
// TypeScript is not installed (`npm ci --omit=dev` in a clone that was built before),
// there is nothing to build with, and the dist/ that is there is the program: keep it
// rather than fail the whole install. Without a dist/ either, say what to do.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function typescriptInstalled() {
  try {
    require.resolve('typescript', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

if (typescriptInstalled()) {
  // npm names itself to its scripts; `npm` on PATH is the fallback.
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, 'run', 'build']] : ['npm', ['run', 'build']];
  const build = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}

const cli = path.join(root, 'dist', 'src', 'cli.js');
if (fs.existsSync(cli)) {
  console.log(
    `TypeScript is not installed (npm ci --omit=dev?): nothing is built; ${path.dirname(cli)} is used as it is.`,
  );
  process.exit(0);
}
console.error(
  `cat-litter-reminder: ${cli} is missing and TypeScript is not installed to build it: ` +
    'run npm ci without --omit=dev, or install the release (npm run release on a machine with the dev dependencies).',
);
process.exit(1);
