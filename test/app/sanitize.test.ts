import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeText } from '../../src/app/index.ts';
import { clampText, sanitizeBytes, sanitizeUtf16le } from '../../src/app/sanitize.ts';
import { ascii, assertTerminalSafe, utf8 } from './helpers.ts';

describe('sanitizeText', () => {
  it('keeps printable ASCII and UTF-8 text as it is', () => {
    assert.equal(sanitizeText(ascii('GET /index.html HTTP/1.1')), 'GET /index.html HTTP/1.1');
    assert.equal(sanitizeText(utf8('Grüße, 東京 😀')), 'Grüße, 東京 😀');
  });

  it('escapes C0 controls, DEL and ESC sequences as \\xNN', () => {
    assert.equal(
      sanitizeText(ascii('a\x1b[2Jb\x07\x00\x7f\r\n\t')),
      'a\\x1b[2Jb\\x07\\x00\\x7f\\x0d\\x0a\\x09',
    );
    // OSC 8 hyperlink and OSC 52 clipboard write: the ESC and BEL that make them work are escaped.
    assert.equal(
      sanitizeText(ascii('\x1b]8;;http://evil/\x07x\x1b]8;;\x07 \x1b]52;c;cm0gLXJm\x07')),
      '\\x1b]8;;http://evil/\\x07x\\x1b]8;;\\x07 \\x1b]52;c;cm0gLXJm\\x07',
    );
  });

  it('escapes C1 controls (decoded from UTF-8) as \\u00NN and invalid bytes as \\xNN', () => {
    // U+009B (CSI) encoded in UTF-8 is C2 9B; a lone 0x9B byte is not UTF-8 at all.
    assert.equal(
      sanitizeText(new Uint8Array([0x41, 0xc2, 0x9b, 0x32, 0x4a, 0x9b, 0x42])),
      'A\\u009b2J\\x9bB',
    );
  });

  it('escapes bidi overrides, isolates, marks and other format characters', () => {
    const s = 'a\u202eb\u202ac\u2066d\u2069e\u200ef\u200fg\u200bh\ufeffi\u2028j\u{e0041}k';
    assert.equal(
      sanitizeText(utf8(s)),
      'a\\u202eb\\u202ac\\u2066d\\u2069e\\u200ef\\u200fg\\u200bh\\ufeffi\\u2028j\\u{e0041}k',
    );
    assert.equal(sanitizeText(s), sanitizeText(utf8(s)), 'string and bytes agree');
  });

  it('rejects overlong forms, encoded surrogates and code points above U+10FFFF byte by byte', () => {
    assert.equal(sanitizeText(new Uint8Array([0xc0, 0xaf])), '\\xc0\\xaf'); // overlong "/"
    assert.equal(sanitizeText(new Uint8Array([0xe0, 0x80, 0xaf])), '\\xe0\\x80\\xaf');
    assert.equal(sanitizeText(new Uint8Array([0xed, 0xa0, 0x80])), '\\xed\\xa0\\x80'); // U+D800
    assert.equal(sanitizeText(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), '\\xf4\\x90\\x80\\x80');
    assert.equal(sanitizeText(new Uint8Array([0xe2, 0x82])), '\\xe2\\x82'); // cut sequence
  });

  it('escapes lone surrogates in string input', () => {
    assert.equal(sanitizeText('x\ud800y\udc00'), 'x\\ud800y\\udc00');
  });

  it('truncates to maxLength with an ellipsis, never splitting an escape', () => {
    assert.equal(sanitizeText(ascii('abcdefghij'), 5), 'abcd…');
    assert.equal(sanitizeText(ascii('abcde'), 5), 'abcde');
    assert.equal(sanitizeText(ascii('abc\x1bdef'), 6), 'abc…');
    assert.equal(sanitizeText(ascii('abc\x1b'), 7), 'abc\\x1b');
    assert.equal(sanitizeText(ascii('x'.repeat(500))).length, 160);
    assert.equal(sanitizeText(ascii('abc'), 0), '');
    assert.equal(sanitizeText(utf8('😀😀😀'), 3), '😀…');
  });

  it('produces terminal-safe output for every single byte and every code point class', () => {
    for (let b = 0; b < 256; b++) assertTerminalSafe(sanitizeText(new Uint8Array([b, 0x41])));
    // Every code point (including surrogates and format characters), as a string and as UTF-8.
    let chunk = '';
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      chunk += String.fromCodePoint(cp);
      if (chunk.length >= 64 || cp === 0x10ffff) {
        assertTerminalSafe(sanitizeText(chunk, 10_000), 10_000);
        assertTerminalSafe(sanitizeText(utf8(chunk), 10_000), 10_000);
        chunk = '';
      }
    }
  });
});

describe('sanitizeUtf16le / sanitizeBytes / clampText', () => {
  it('decodes UTF-16LE, pairs surrogates, escapes lone ones and an odd trailing byte', () => {
    const d = new Uint8Array(Buffer.from('\\\\srv\\sh\u202eare😀', 'utf16le'));
    assert.equal(sanitizeUtf16le(d, 0, d.length), '\\\\srv\\sh\\u202eare😀');
    assert.equal(sanitizeUtf16le(new Uint8Array([0x00, 0xd8, 0x41, 0x00, 0x42]), 0, 5), '\\ud800A\\x42');
  });

  it('never reads outside the array', () => {
    const d = ascii('abc');
    assert.equal(sanitizeBytes(d, -5, 50), 'abc');
    assert.equal(sanitizeUtf16le(d, -5, 50), '\\u6261\\x63'.replace('\\u6261', '扡'));
  });

  it('clampText cuts at a code point boundary', () => {
    assert.equal(clampText('ab😀cd', 4), 'ab…');
    assert.equal(clampText('abc', 4), 'abc');
  });
});
