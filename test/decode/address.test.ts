import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAddress, formatEndpoint, parseAddress } from '../../src/decode/address.ts';

function words(...w: number[]): Uint32Array {
  return Uint32Array.from(w);
}

test('IPv4 dotted quad from word 0', () => {
  assert.equal(formatAddress(4, words(0xc0a80001, 0, 0, 0)), '192.168.0.1');
  assert.equal(formatAddress(4, words(0xffffffff, 0, 0, 0)), '255.255.255.255');
  assert.equal(formatAddress(4, words(0, 0, 0, 0)), '0.0.0.0');
});

test('IPv6 RFC 5952: lowercase, no leading zeros, longest zero run compressed', () => {
  const cases: [number[], string][] = [
    [[0x20010db8, 0, 0, 1], '2001:db8::1'],
    [[0, 0, 0, 0], '::'],
    [[0, 0, 0, 1], '::1'],
    [[0xfe800000, 0, 0, 0], 'fe80::'],
    // §4.2.2: a single 0 group is not compressed.
    [[0x20010db8, 0x00000001, 0x00010001, 0x00010001], '2001:db8:0:1:1:1:1:1'],
    // §4.2.3: the longest run wins; on a tie the first.
    [[0x20010000, 0x00000001, 0, 0x00000001], '2001:0:0:1::1'],
    [[0x20010db8, 0, 0x00010000, 0x00000001], '2001:db8::1:0:0:1'],
    [[0x20010db8, 0xabcd00ef, 0x01234567, 0x89abcdef], '2001:db8:abcd:ef:123:4567:89ab:cdef'],
  ];
  for (const [w, text] of cases) assert.equal(formatAddress(6, words(...w)), text);
});

test('IPv4-mapped IPv6 keeps the dotted quad (as tshark prints it)', () => {
  assert.equal(formatAddress(6, words(0, 0, 0xffff, 0x01020304)), '::ffff:1.2.3.4');
});

test('endpoints: IPv6 in brackets (RFC 5952 §6)', () => {
  assert.equal(formatEndpoint(4, words(0x01020304), 80), '1.2.3.4:80');
  assert.equal(formatEndpoint(6, words(0x20010db8, 0, 0, 1), 443), '[2001:db8::1]:443');
});

test('parseAddress round-trips and accepts brackets, mixed notation, uppercase', () => {
  for (const text of [
    '10.0.0.1',
    '2001:db8::1',
    '::',
    '::1',
    'fe80::',
    '::ffff:1.2.3.4',
    '2001:db8:0:1:1:1:1:1',
  ]) {
    const parsed = parseAddress(text);
    assert.ok(parsed !== null, text);
    assert.equal(formatAddress(parsed.version, parsed.words), text);
  }
  assert.deepEqual(parseAddress('[2001:DB8::A]'), { version: 6, words: words(0x20010db8, 0, 0, 10) });
  assert.deepEqual(parseAddress('1.2.3.4'), { version: 4, words: words(0x01020304, 0, 0, 0) });
  assert.deepEqual(parseAddress('64:ff9b::192.0.2.33')?.words, words(0x0064ff9b, 0, 0, 0xc0000221));
  assert.deepEqual(
    parseAddress('1:2:3:4:5:6:7:8')?.words,
    words(0x00010002, 0x00030004, 0x00050006, 0x00070008),
  );
});

test('parseAddress refuses what is not an address', () => {
  for (const text of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    'a.b.c.d',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::1',
    'fe80::1%eth0',
    ':::',
    'g::1',
    'example.com',
  ]) {
    assert.equal(parseAddress(text), null, text);
  }
});
