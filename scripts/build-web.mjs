// Bundles the dashboard (web/) into dist/web: one minified ES module with the world map inside (no CDN,
// works offline), plus the page and its stylesheet. esbuild: one small, fast tool for a TypeScript bundle.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'web', 'src', 'main.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(out, f));
if (process.env.MERIDIAN_BUILD_VERBOSE)
  console.log(`dist/web/app.js ${statSync(join(out, 'app.js')).size} bytes`);
