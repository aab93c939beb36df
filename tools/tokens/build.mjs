#!/usr/bin/env node
// Generates internal/web/static/css/tokens.css from the suomifi-design-tokens
// npm package (a devDependency in the root package.json).
//
//   node tools/tokens/build.mjs           write tokens.css
//   node tools/tokens/build.mjs --check   exit 1 if the committed tokens.css
//                                         differs from what would be generated
//
// Node 20, no dependencies other than suomifi-design-tokens. The output is
// deterministic: it depends only on the installed package (tokens are
// emitted in the package's own order) and on this script. The generated
// file is committed so that Go alone builds Kuulu.
//
// Transformations (everything else is copied verbatim):
//   - names: camelCase token keys become kebab-case, as in the package's own
//     tokens.scss (blackLight1 -> --fi-color-black-light1);
//   - typography: the font family is emitted once (--fi-font-family) and
//     must be the same for all text styles; each text style becomes the
//     start of a font shorthand, "weight size/line-height", to be completed
//     with a family: font: var(--fi-text-body-text) var(--fi-font-family).
//     Font sizes in px become rem (px / 16) so that text follows the user's
//     browser font-size setting; line heights in px become unitless ratios
//     (line-height / font-size) so that they scale with the size;
//   - --fi-focus-color is the colour used by the package's focus style
//     (focuses.boxShadowFocus);
//   - gradients and breakpoints are not emitted (unused; custom properties
//     cannot be used in media queries).

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = 'suomifi-design-tokens';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = join(root, 'internal', 'web', 'static', 'css', 'tokens.css');
const require = createRequire(join(root, 'package.json'));

function fail(msg) {
  console.error(`tools/tokens/build.mjs: ${msg}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const check = args.includes('--check');
for (const a of args) if (a !== '--check') fail(`unknown argument ${a}`);

let pkgJSON, tokens, licence;
try {
  const pkgPath = require.resolve(`${PKG}/package.json`);
  pkgJSON = JSON.parse(readFileSync(pkgPath, 'utf8'));
  licence = readFileSync(join(dirname(pkgPath), 'LICENSE'), 'utf8');
  tokens = require(PKG).suomifiDesignTokens;
} catch (e) {
  fail(`cannot load ${PKG} (run npm ci at the repository root): ${e.message}`);
}
if (!tokens || !tokens.values) fail(`${PKG} does not export suomifiDesignTokens.values`);
const v = tokens.values;

const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const num = (n) => String(Number(n.toFixed(4)));
const safe = (name, value) => {
  const s = String(value).trim();
  if (s === '' || /[;{}<>\\]|\/\*|\*\//.test(s)) fail(`unsafe or empty value for ${name}: ${JSON.stringify(s)}`);
  return s;
};
const px = (name, t) => {
  if (!t || typeof t.value !== 'number' || t.unit !== 'px') fail(`${name}: expected a px value, got ${JSON.stringify(t)}`);
  return t.value;
};
const group = (name) => {
  const g = v[name];
  if (!g || typeof g !== 'object' || Object.keys(g).length === 0) fail(`token group ${name} is missing`);
  return Object.entries(g);
};

const sections = [];
const section = (title, lines) => sections.push([`  /* ${title} */`, ...lines].join('\n'));

section('Colours', group('colors').map(([k, c]) => {
  const hsl = tokens.colors && tokens.colors[k];
  if (typeof hsl !== 'string' || !/^hsl\(\d+, \d+%, \d+%\)$/.test(hsl)) fail(`colour ${k}: unexpected value ${JSON.stringify(hsl)}`);
  if (hsl !== `hsl(${c.h}, ${c.s}%, ${c.l}%)`) fail(`colour ${k}: string and object forms disagree`);
  return `  --fi-color-${kebab(k)}: ${hsl};`;
}));

const typo = group('typography');
const families = new Set(typo.map(([, t]) => t.fontFamily));
if (families.size !== 1) fail(`typography: expected one font family, got ${[...families].join(' | ')}`);
const typoLines = [`  --fi-font-family: ${safe('fontFamily', [...families][0])};`];
for (const [k, t] of typo) {
  const size = px(`${k}.fontSize`, t.fontSize);
  const lh = t.lineHeight || {};
  const ratio = lh.unit === null && typeof lh.value === 'number' ? lh.value : px(`${k}.lineHeight`, lh) / size;
  if (!Number.isInteger(t.fontWeight)) fail(`${k}: unexpected font weight ${t.fontWeight}`);
  typoLines.push(`  --fi-text-${kebab(k)}: ${t.fontWeight} ${num(size / 16)}rem/${num(ratio)};`);
}
section('Typography: weight size/line-height; use as font: var(--fi-text-x) <family>', typoLines);

section('Spacing', group('spacing').map(([k, t]) => `  --fi-spacing-${kebab(k)}: ${px(`spacing.${k}`, t)}px;`));
section('Radiuses', group('radiuses').map(([k, t]) => `  --fi-radius-${kebab(k)}: ${px(`radiuses.${k}`, t)}px;`));
section('Transitions', group('transitions').map(([k, t]) => `  --fi-transition-${kebab(k)}: ${safe(k, t.value)};`));
section('Shadows', group('shadows').map(([k, t]) => `  --fi-shadow-${kebab(k)}: ${safe(k, t.value)};`));

const focusShadow = v.focuses && v.focuses.boxShadowFocus && v.focuses.boxShadowFocus.boxShadow;
const focusColour = /(hsl\(\d+, \d+%, \d+%\))/.exec(String(focusShadow || ''));
if (!focusColour) fail(`focuses.boxShadowFocus.boxShadow: no colour in ${JSON.stringify(focusShadow)}`);
section('Focus (colour of focuses.boxShadowFocus)', [`  --fi-focus-color: ${focusColour[1]};`]);

if (licence.includes('*/')) fail('licence text would end the CSS comment');
const licenceLines = licence.trim().split(/\r?\n/).map((l) => (l ? ` *   ${l}` : ' *'));
const header = [
  '/*!',
  ' * GENERATED FILE: DO NOT EDIT BY HAND.',
  ` * Generated from ${PKG} ${pkgJSON.version} (MIT licence) by`,
  ' *   node tools/tokens/build.mjs',
  ' * Check that it is up to date with: node tools/tokens/build.mjs --check',
  ' *',
  ` * ${PKG}: ${pkgJSON.repository}`,
  ...licenceLines,
  ' */',
].join('\n');

const css = `${header}\n:root {\n${sections.join('\n\n')}\n}\n`;

const rel = relative(root, outFile);
if (check) {
  let current = null;
  try { current = readFileSync(outFile, 'utf8'); } catch { /* missing */ }
  if (current === css) {
    console.log(`${rel} is up to date (${PKG} ${pkgJSON.version}).`);
    process.exit(0);
  }
  if (current === null) {
    console.error(`${rel} is missing. Run: node tools/tokens/build.mjs`);
  } else {
    const a = current.split('\n'), b = css.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    console.error(`${rel} is out of date (first difference at line ${i + 1}):`);
    console.error(`  committed: ${a[i] ?? '<end of file>'}`);
    console.error(`  generated: ${b[i] ?? '<end of file>'}`);
    console.error('Run: node tools/tokens/build.mjs');
  }
  process.exit(1);
}
writeFileSync(outFile, css);
console.log(`wrote ${rel} (${Buffer.byteLength(css)} bytes, ${PKG} ${pkgJSON.version}).`);
