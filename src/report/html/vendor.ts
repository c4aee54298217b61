/**
 * uPlot (https://github.com/leeoniya/uPlot, MIT), the timeline's chart library, inlined into the
 * report so the file needs no network: its minified build and stylesheet, read once from the
 * installed package, with the licence it requires in every copy.
 *
 * Pinned to an exact version in package.json: the page script uses its API (paths.bars, tzDate,
 * posToVal, setSelect hooks) and the report's CSP allows the script by hash, so a new version
 * should be a deliberate change, checked by the browser tests.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Vendored {
  script: string;
  style: string;
}

let cached: Vendored | null = null;

function read(file: string): string {
  return readFileSync(require.resolve(`uplot/${file}`), 'utf8');
}

/** uPlot's script (licence comment first) and stylesheet, as they go into the page. */
export function uplot(): Vendored {
  if (cached !== null) return cached;
  const { version } = JSON.parse(read('package.json')) as { version: string };
  const licence = read('LICENSE').trim();
  if (licence.includes('*/')) throw new Error('uPlot licence text would end its comment');
  const script = `/*! uPlot ${version}, inlined unchanged from dist/uPlot.iife.min.js.\n${licence}\n*/\n${read('dist/uPlot.iife.min.js').trim()}`;
  const style = read('dist/uPlot.min.css').trim();
  // Nothing in them may end their element early (HTML §13.2.5: script data, rawtext states).
  if (/<\/script|<!--/i.test(script)) throw new Error('uPlot script contains </script or <!--');
  if (/<\/style/i.test(style)) throw new Error('uPlot stylesheet contains </style');
  cached = { script, style };
  return cached;
}
