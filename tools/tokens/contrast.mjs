#!/usr/bin/env node
// Prints the WCAG 2.1 contrast ratios of the token colour pairs that
// kuulu.css uses (listed in its header comment) and exits 1 if any pair is
// below its minimum (4.5 text, 3 large text / UI boundaries / focus ring).
//   node tools/tokens/contrast.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = createRequire(join(root, 'package.json'))('suomifi-design-tokens').suomifiDesignTokens;

// [foreground, background, minimum, where]
const pairs = [
  ['blackBase', 'whiteBase', 4.5, 'body text'],
  ['blackBase', 'depthLight3', 4.5, 'text on zebra rows, footer, filters, .empty'],
  ['blackBase', 'depthLight2', 4.5, 'table headings, neutral badge'],
  ['blackBase', 'highlightLight3', 4.5, 'hovered scale box / secondary button'],
  ['blackBase', 'warningBase', 4.5, 'warn badge'],
  ['depthDark1', 'whiteBase', 4.5, '.muted, .hint, .char-count'],
  ['depthDark1', 'depthLight3', 4.5, '.muted on zebra rows, .empty'],
  ['highlightBase', 'whiteBase', 4.5, 'links, secondary button text'],
  ['highlightBase', 'depthLight3', 4.5, 'links on zebra rows, footer'],
  ['highlightDark1', 'whiteBase', 4.5, 'link hover'],
  ['highlightBase', 'highlightLight3', 4.5, 'pagination link hover'],
  ['whiteBase', 'blackBase', 4.5, 'danger button hover'],
  ['highlightDark1', 'highlightLight3', 4.5, 'secondary button hover'],
  ['accentTertiaryDark1', 'whiteBase', 4.5, 'visited links'],
  ['accentTertiaryDark1', 'depthLight3', 4.5, 'visited links on zebra rows'],
  ['whiteBase', 'brandBase', 4.5, 'header, current page, checked scale box'],
  ['whiteBase', 'highlightBase', 4.5, 'primary button'],
  ['whiteBase', 'highlightDark1', 4.5, 'primary button hover'],
  ['whiteBase', 'alertBase', 4.5, 'danger button, danger badge, "!"'],
  ['whiteBase', 'successDark1', 4.5, 'ok badge'],
  ['brandBase', 'whiteBase', 4.5, 'nav links, current language, stat value'],
  ['brandBase', 'infoLight1', 4.5, 'info badge'],
  ['alertBase', 'whiteBase', 4.5, 'field errors, error summary links'],
  ['depthDark2', 'whiteBase', 3, 'input border'],
  ['depthDark2', 'depthLight3', 3, 'input border in form.filters'],
  ['accentSecondary', 'whiteBase', 3, 'focus ring (--fi-focus-color)'],
  ['accentSecondary', 'brandBase', 3, 'focus ring in the header'],
  ['accentSecondary', 'depthLight3', 3, 'focus ring on zebra rows, footer'],
  ['highlightBase', 'depthLight2', 3, 'bar fill on its track'],
  ['successDark1', 'whiteBase', 3, 'notice-success bar'],
  ['accentBase', 'whiteBase', 3, 'notice-warning bar'],
  ['alertBase', 'whiteBase', 3, 'notice-error bar, error borders'],
];

function rgb({ h, s, l }) {
  s /= 100; l /= 100;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => { const k = (n + h / 30) % 12; return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)); };
  return [f(0), f(8), f(4)].map((x) => Math.round(x * 255));
}
const lum = (c) => {
  const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
let failed = 0;
for (const [fg, bg, min, where] of pairs) {
  const [a, b] = [lum(values.colors[fg]), lum(values.colors[bg])].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const ok = ratio >= min;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${ratio.toFixed(2).padStart(5)} >= ${min}  ${fg} on ${bg}: ${where}`);
}
process.exit(failed ? 1 : 0);
