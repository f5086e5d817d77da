import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const requireCjs = createRequire(import.meta.url);
const UI_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'ui');

/** The UI's files and the ES modules it imports (served from node_modules: no build step). */
export const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/ui/app.js': { file: path.join(UI_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/ui/client.js': { file: path.join(UI_DIR, 'client.js'), type: 'text/javascript; charset=utf-8' },
  '/ui/style.css': { file: path.join(UI_DIR, 'style.css'), type: 'text/css; charset=utf-8' },
  '/vendor/preact.mjs': { file: path.join(path.dirname(requireCjs.resolve('preact')), 'preact.mjs'), type: 'text/javascript; charset=utf-8' },
  '/vendor/hooks.mjs': { file: path.join(path.dirname(requireCjs.resolve('preact/hooks')), 'hooks.mjs'), type: 'text/javascript; charset=utf-8' },
  '/vendor/htm.mjs': { file: path.join(path.dirname(requireCjs.resolve('htm')), 'htm.mjs'), type: 'text/javascript; charset=utf-8' },
};

export const INDEX_HTML = path.join(UI_DIR, 'index.html');
export const OPENAPI_JSON = path.join(UI_DIR, '..', 'api', 'openapi.json');
