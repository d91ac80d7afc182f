/**
 * Fails when a line of product code is longer than the formatter's line width (biome.json). The
 * formatter wraps code but not comments or strings, so those are wrapped by hand. A line holding a
 * URL may run over: a link must stay whole to be followed.
 *
 * Tests are not checked: their code is wrapped by the formatter, and test names and expected
 * messages stay on one line so that a failure's text can be found with a search.
 *
 * Plain JavaScript, so `npm run lint` starts it without tsx.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const { lineWidth } = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')).formatter;
const CHECKED = ['functions', 'cli', 'scripts'];
const SOURCE = /\.(ts|mjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', '.build']);

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) yield* sourceFiles(path);
    } else if (SOURCE.test(entry.name)) yield path;
  }
}

const tooLong = [];
for (const folder of CHECKED) {
  for (const file of sourceFiles(join(root, folder))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line.length > lineWidth && !/https?:\/\//.test(line)) {
          tooLong.push(`${relative(root, file)}:${index + 1}: ${line.length} characters`);
        }
      });
  }
}

if (tooLong.length > 0) {
  console.error(
    `${tooLong.length} line(s) in ${CHECKED.join('/, ')}/ are longer than ${lineWidth} characters. ` +
      'Run `npm run format` for code; wrap comments and strings by hand (split a string with +):',
  );
  for (const line of tooLong) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`long-lines: no line over ${lineWidth} characters in ${CHECKED.join('/, ')}/.`);
