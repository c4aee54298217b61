/**
 * Payloads are attacker-controlled. Whatever the bytes, a summary must not throw, must stay
 * within 160 characters, and must contain no raw control, bidi or other format character.
 * `summarize` (helpers.ts) calls the unguarded parser and checks every text it returns.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeUnguarded } from '../../src/app/detect.ts';
import { summarizePayload } from '../../src/app/index.ts';
import { prng } from '../helpers/prng.ts';
import * as P from './corpus-payloads.ts';
import { ascii, assertTerminalSafe, client, hexBytes, server, summarize, utf8 } from './helpers.ts';

const corpus = Object.values(P).filter((p): p is P.CorpusPayload => typeof p === 'object');

const PORTS = [21, 25, 80, 110, 139, 143, 443, 445, 587, 8080, 40000];

describe('hostile text inside recognised messages', () => {
  it('escapes terminal escapes and bidi overrides in an HTTP request line, keeping HTML as text', () => {
    const s = summarize(
      utf8('GET /\x1b]8;;http://evil\x07<script>alert(1)</script>\u202eexe.txt\x9b2J HTTP/1.1\r\n'),
      client(80),
    );
    assert.equal(
      s?.text,
      'GET /\\x1b]8;;http://evil\\x07<script>alert(1)</script>\\u202eexe.txt\\u009b2J HTTP/1.1',
    );
  });

  it('escapes them in an SNI', () => {
    const name = utf8('evil\x1b[31m.example\u202ecom');
    const hello = clientHelloWithSni(name);
    assert.equal(summarize(hello, client(443))?.text, 'TLS ClientHello sni=evil\\x1b[31m.example\\u202ecom');
  });

  it('escapes them in an SMB2 tree-connect path (UTF-16LE) and an SMB1 one (OEM)', () => {
    const path = new Uint8Array(Buffer.from('\\\\srv\\\u202eshare\u001b[2J\ud800', 'utf16le'));
    const s = summarize(smb2TreeConnect(path), client(445));
    assert.equal(s?.text, 'SMB2 TREE_CONNECT \\\\srv\\\\u202eshare\\x1b[2J\\ud800');
    const smb1 = hexBytes(P.smb1TreeConnect.hex);
    // Overwrite the path "\\SCV\IPC$" in place with ESC bytes (Unicode flag is set: UTF-16LE).
    const at = Buffer.from(smb1).indexOf(Buffer.from('SCV', 'utf16le'));
    smb1.set([0x1b, 0x00, 0x9b, 0x00], at);
    assert.match(
      summarize(smb1, client(139))?.text ?? '',
      /^SMB1 TREE_CONNECT_ANDX \\\\\\x1b\\u009bV\\IPC\$$/,
    );
  });

  it('escapes control bytes smuggled into a NetBIOS name by its nibble encoding', () => {
    const req = hexBytes(P.nbssSessionRequest.hex);
    req.set([0x42, 0x4c], 5); // first name byte becomes 0x1b ('B' = 1, 'L' = 11)
    assert.equal(
      summarize(req, client(139))?.text,
      'NetBIOS session request to \\x1bCV<20> from DESKTOP-V1FA0UQ<00>',
    );
  });

  it('escapes them in SMTP, FTP, POP3 and IMAP lines', () => {
    assert.equal(summarize(ascii('550 \x1b[2Jgone\x07\r\n'), server(25))?.text, 'SMTP 550 \\x1b[2Jgone\\x07');
    assert.equal(
      summarize(ascii('RETR \x1b]0;pwned\x07.txt\r\n'), client(21))?.text,
      'FTP RETR \\x1b]0;pwned\\x07.txt',
    );
    assert.equal(summarize(ascii('-ERR \x9b\r\n'), server(110))?.text, 'POP3 -ERR \\x9b');
    assert.equal(
      summarize(utf8('a1 SELECT "\u2066INBOX\u2069"\r\n'), client(143))?.text,
      'IMAP a1 SELECT "\\u2066INBOX\\u2069"',
    );
  });

  it('keeps every text within 160 characters, however long the field', () => {
    const long = 'x'.repeat(70_000);
    const cases: [Uint8Array, number, boolean][] = [
      [ascii(`GET /${long} HTTP/1.1\r\n`), 80, true],
      [ascii(`HTTP/1.1 500 ${long}\r\n`), 80, false],
      [ascii(`MAIL FROM:<${'m'.repeat(400)}@example.com>\r\n`), 25, true],
      [ascii(`550 ${long}\r\n`), 25, false],
      [ascii(`a1 SELECT ${long}\r\n`), 143, true],
      [clientHelloWithSni(ascii('y'.repeat(300))), 443, true],
      [smb2TreeConnect(new Uint8Array(Buffer.from('\\'.repeat(5000), 'utf16le'))), 445, true],
    ];
    for (const [bytes, port, fromClient] of cases) {
      const s = summarize(bytes, { serverPort: port, fromClient });
      assert.ok(s, `port ${port}: no summary`);
      assert.ok(s.text.length <= 160 && s.text.includes('…'), s.text);
    }
  });
});

describe('malformed and truncated input', () => {
  it('never throws on any prefix of a real payload, on any port, in either direction', () => {
    for (const p of corpus) {
      const full = hexBytes(p.hex);
      for (let n = 0; n <= full.length; n++) {
        const prefix = full.subarray(0, n);
        summarize(prefix, p);
        summarize(prefix, { serverPort: p.serverPort, fromClient: !p.fromClient });
      }
    }
  });

  it('never throws on mutated real payloads (length fields, offsets, counts corrupted)', () => {
    const rnd = prng(0x5eed);
    for (const p of corpus) {
      const base = hexBytes(p.hex);
      for (let round = 0; round < 300; round++) {
        const m = base.slice(0, Math.max(1, Math.floor(rnd() * (base.length + 1))));
        const flips = 1 + Math.floor(rnd() * 6);
        for (let k = 0; k < flips; k++) {
          const at = Math.floor(rnd() * m.length);
          m[at] = rnd() < 0.5 ? Math.floor(rnd() * 256) : rnd() < 0.5 ? 0xff : 0x00;
        }
        const port = rnd() < 0.7 ? p.serverPort : PORTS[Math.floor(rnd() * PORTS.length)];
        summarize(m, { serverPort: port, fromClient: rnd() < 0.5 });
      }
    }
  });

  it('never throws on random bytes behind every recognised header', () => {
    const rnd = prng(42);
    const heads = [
      [0x16, 0x03, 0x01],
      [0x15, 0x03, 0x03, 0x00, 0x02],
      [0x00, 0x00, 0x00, 0x40, 0xfe, 0x53, 0x4d, 0x42],
      [0x00, 0x00, 0x00, 0x40, 0xff, 0x53, 0x4d, 0x42],
      [0x00, 0x00, 0x00, 0x40, 0xfc, 0x53, 0x4d, 0x42],
      [0x81, 0x00, 0x00, 0x44, 0x20],
      [0x80, 0x2e, 0x01, 0x03, 0x01],
      [...ascii('GET ')],
      [...ascii('HTTP/1.1 ')],
      [...ascii('250-')],
      [...ascii('a1 LOGIN ')],
      [...ascii('+OK ')],
    ];
    for (let round = 0; round < 20_000; round++) {
      const head = heads[round % heads.length];
      const m = new Uint8Array(head.length + Math.floor(rnd() * 200));
      m.set(head);
      for (let i = head.length; i < m.length; i++) m[i] = Math.floor(rnd() * 256);
      summarize(m, { serverPort: PORTS[round % PORTS.length], fromClient: (round & 1) === 0 });
    }
  });

  it('reads only data[offset, offset + length) and tolerates nonsense bounds', () => {
    const inner = hexBytes(P.smb2SessionSetupLogonFailure.hex);
    const big = new Uint8Array(inner.length + 20).fill(0x41);
    big.set(inner, 10);
    const expected = summarizeUnguarded(inner, 0, inner.length, P.smb2SessionSetupLogonFailure);
    assert.deepEqual(summarizeUnguarded(big, 10, inner.length, P.smb2SessionSetupLogonFailure), expected);
    // A length running past the end is cut to the array; the 'A' padding is not SMB.
    assert.deepEqual(summarizeUnguarded(big, 10, 1e9, P.smb2SessionSetupLogonFailure), expected);
    for (const [o, l] of [
      [-5, 10],
      [big.length, 10],
      [big.length + 100, 10],
      [3, -1],
      [Number.NaN, 5],
      [0, Number.NaN],
      [0, Number.POSITIVE_INFINITY],
    ]) {
      assert.doesNotThrow(() => summarizeUnguarded(big, o, l, client(445)));
    }
    assert.equal(summarizePayload(new Uint8Array(0), 0, 0, client(80)), null);
  });

  it('returns null for payloads that are not the start of a known message', () => {
    const rnd = prng(7);
    let recognised = 0;
    for (let round = 0; round < 2000; round++) {
      const m = new Uint8Array(64);
      for (let i = 0; i < m.length; i++) m[i] = Math.floor(rnd() * 256);
      if (summarize(m, { serverPort: 40000, fromClient: round % 2 === 0 }) !== null) recognised++;
    }
    // Random bytes on an unknown port should essentially never look like a protocol.
    assert.ok(recognised <= 2, `${recognised} random payloads recognised`);
  });
});

/** A TLS 1.2 ClientHello record carrying one server_name extension (RFC 6066 §3). */
function clientHelloWithSni(name: Uint8Array): Uint8Array {
  const sni = [
    0x00,
    0x00,
    ...u16(name.length + 5),
    ...u16(name.length + 3),
    0x00,
    ...u16(name.length),
    ...name,
  ];
  const body = [
    0x03,
    0x03,
    ...new Array(32).fill(7),
    0x00,
    ...u16(2),
    0x13,
    0x01,
    0x01,
    0x00,
    ...u16(sni.length),
    ...sni,
  ];
  const hs = [0x01, 0x00, ...u16(body.length), ...body];
  return new Uint8Array([0x16, 0x03, 0x01, ...u16(hs.length), ...hs]);
}

/** An SMB2 TREE_CONNECT request (§2.2.9) with the given UTF-16LE path, in direct-hosting framing. */
function smb2TreeConnect(path: Uint8Array): Uint8Array {
  const m = new Uint8Array(4 + 64 + 8 + path.length);
  const v = new DataView(m.buffer);
  v.setUint32(0, m.length - 4);
  m.set([0xfe, 0x53, 0x4d, 0x42], 4);
  v.setUint16(8, 64, true);
  v.setUint16(16, 3, true); // TREE_CONNECT
  v.setUint16(68, 9, true); // StructureSize
  v.setUint16(72, 72, true); // PathOffset from the header
  v.setUint16(74, path.length, true);
  m.set(path, 76);
  return m;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

describe('assertTerminalSafe (the check itself)', () => {
  it('rejects raw controls and bidi characters', () => {
    assert.throws(() => assertTerminalSafe('a\x1bb'));
    assert.throws(() => assertTerminalSafe('a\u202eb'));
    assert.throws(() => assertTerminalSafe('a\ud800b'));
    assert.doesNotThrow(() => assertTerminalSafe('a\\x1bb…'));
  });
});
