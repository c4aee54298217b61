/**
 * JSON that can sit inside `<script type="application/json">` whatever strings it holds.
 *
 * The HTML tokenizer ends a script element at the first `</script` (HTML Living Standard
 * §13.2.5.4 "script data less-than sign state"), and `<!--` switches it to the "escaped" states
 * where `<script` nests; a packet string such as `</script><img onerror=…>` would then leave the
 * data block and become markup. Writing `<`, `>` and `&` as \u003c, \u003e, \u0026 (valid JSON
 * string escapes, RFC 8259 §7) means no tag or comment can start inside the block, and
 * JSON.parse gives back the exact strings. U+2028/U+2029 are escaped too so the same text is
 * also safe if someone pastes it into a JavaScript literal.
 */
const UNSAFE = /[<>&\u2028\u2029]/g;

const ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (ch) => ESCAPES[ch]);
}
