/** Text for places that take a limited number of characters. */

/**
 * `text` cut to at most `maxLength` characters, its last one an ellipsis where it was cut, so nobody
 * mistakes a clipped message for the whole of it.
 */
export function clipText(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
