import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayColour } from '../../common/colour';
import { LEVEL_COLOURS, LEVELS } from '../../common/levels';

export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** The package's folder: three levels above the compiled dist/src/web/, two above src/web/ (jest). */
function packageRoot(): string {
  const candidates = [path.resolve(__dirname, '../../..'), path.resolve(__dirname, '../..')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'web', 'app.css'))) ?? candidates[0];
}

function asset(file: string, body: Buffer): Asset {
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  return { type, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"` };
}

/** Every file below `dir`, by its path below it (`web/app.js`). */
function filesBelow(dir: string, below = ''): [string, string][] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, below), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry): [string, string][] => {
    const relative = path.posix.join(below, entry.name);
    if (entry.isDirectory()) return filesBelow(dir, relative);
    return entry.name.endsWith('.js') ? [[relative, path.join(dir, relative)]] : [];
  });
}

/** The level colours as the page shows them: the LED values, as a screen must show them. */
function levelsCss(): string {
  const rules = LEVELS.map((level) => `.level-${level} { --level: ${displayColour(LEVEL_COLOURS[level])}; }`);
  return `${rules.join('\n')}\n.level-unreachable { --level: #777777; }\n`;
}

/**
 * What the page loads besides itself, read once at the start and served from memory:
 * its style, its script (the compiled browser modules in dist/web-assets), the web app
 * manifest (named after the node, for a phone's home screen) and the icons.
 */
export function loadAssets(nodeName: string): Map<string, Asset> {
  const root = packageRoot();
  const assets = new Map<string, Asset>();
  const read = (url: string, file: string): void => {
    try {
      assets.set(url, asset(file, fs.readFileSync(file)));
    } catch {
      // Missing from this install: the page still works without it (it is rendered on the node).
    }
  };
  read('/assets/app.css', path.join(root, 'web', 'app.css'));
  for (const icon of ['icon.svg', 'icon-192.png', 'icon-512.png']) read(`/${icon}`, path.join(root, 'web', icon));
  for (const [relative, file] of filesBelow(path.join(root, 'dist', 'web-assets'))) read(`/assets/${relative}`, file);
  assets.set('/assets/levels.css', asset('levels.css', Buffer.from(levelsCss())));
  const manifest = {
    name: `${nodeName} · litter box`,
    short_name: nodeName,
    start_url: '/',
    display: 'standalone',
    background_color: '#111111',
    theme_color: '#111111',
    icons: [
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
  };
  assets.set('/manifest.webmanifest', asset('m.webmanifest', Buffer.from(JSON.stringify(manifest))));
  return assets;
}
