// The folder graph of docs/development.md, drawn from the code by dependency-cruiser so
// that the picture cannot go stale: `npm run graph` writes it, and a test
// (test/docs/folder-graph.test.ts) fails when the code and the picture differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';

const root = path.resolve(import.meta.dirname, '..');
const DOC = path.join(root, 'docs', 'development.md');
const BEGIN = '<!-- folder-graph: drawn by npm run graph -->';
const END = '<!-- /folder-graph -->';

/** The folder a file belongs to in the picture: src/X, or a top folder; null for what is not ours. */
function folderOf(file) {
  if (file === 'src/cli.ts') return 'src/cli.ts';
  const match = /^(src\/[^/]+|machines|common|hardware)\//.exec(file);
  return match ? match[1] : null;
}

/** Every folder may use these: their arrows would only hide the others. */
const EVERYONES = new Set(['common', 'src/limits', 'src/time']);

/** The edges between folders, sorted, as mermaid's flowchart. */
export async function folderGraph() {
  process.chdir(root);
  const { options } = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs'));
  const { output } = await cruise(['src', 'machines', 'common', 'hardware'], {
    ...options,
    tsConfig: { fileName: path.join(root, 'tsconfig.json') },
  });
  const edges = new Set();
  for (const module of output.modules) {
    const from = folderOf(module.source);
    if (from === null) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (to !== null && to !== from && !EVERYONES.has(to)) edges.add(`${from} --> ${to}`);
    }
  }
  const id = (folder) => folder.replace(/[/.]/g, '_');
  const lines = [...edges].sort().map((edge) => {
    const [from, to] = edge.split(' --> ');
    return `  ${id(from)}["${from}"] --> ${id(to)}["${to}"]`;
  });
  return ['```mermaid', 'flowchart TD', ...lines, '```'].join('\n');
}

/** The picture as the document has it now. */
export function documentedGraph() {
  const text = readFileSync(DOC, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin === -1 || end === -1) throw new Error(`${DOC} has no ${BEGIN} … ${END} block`);
  return { text, begin: begin + BEGIN.length, end, graph: text.slice(begin + BEGIN.length, end).trim() };
}

if (process.argv[1] === import.meta.filename) {
  const drawn = await folderGraph();
  const { text, begin, end, graph } = documentedGraph();
  if (process.argv.includes('--check')) {
    if (graph !== drawn) {
      process.stderr.write(
        `docs/development.md's folder graph differs from the code; run npm run graph. The code's:\n${drawn}\n`,
      );
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, `${text.slice(0, begin)}\n\n${drawn}\n\n${text.slice(end)}`);
  }
}
