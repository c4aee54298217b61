/**
 * Make any text safe to print on a terminal: control characters (C0, DEL, C1 — ESC starts the
 * sequences that can rewrite the screen or the window title) and Unicode bidi/format controls
 * (which can reorder what a reader sees) become visible escapes. File names and packet-derived
 * strings both pass through here before reaching stdout/stderr.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
