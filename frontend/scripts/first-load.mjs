// What a phone downloads before the first screen: the files index.html references
// (script, stylesheet, modulepreload), gzip -9 as `make bench` counts them.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const html = readFileSync('dist/index.html', 'utf8');
const files = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\brel="(?:stylesheet|modulepreload)"[^>]*\bhref)="\/([^"]+)"/g)].map((m) => m[1]);
let total = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(6)} KB  ${file}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(6)} KB  first load, gzip -9 (JS + CSS that index.html fetches): ${total} bytes`);
