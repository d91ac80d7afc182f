/**
 * The generated parts of template.yaml and sam/stackset.yaml sit between a BEGIN line and an END
 * line. A generator replaces what lies between them and leaves the rest of the file as written.
 */

/**
 * `text` with the lines between `begin` and `end` (whole lines, indentation included) replaced by
 * `body`; `missing` says what to fix when the marker lines are not there, in that order.
 */
export function replaceBlock(text: string, begin: string, end: string, body: string, missing: () => Error): string {
  const beginLine = `${begin}\n`;
  const start = text.indexOf(beginLine);
  const stop = text.indexOf(`${end}\n`);
  if (start < 0 || stop < start) throw missing();
  return `${text.slice(0, start)}${beginLine}${body}\n${text.slice(stop)}`;
}
