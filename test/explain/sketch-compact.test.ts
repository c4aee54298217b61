import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectionSketch, fingerprint, SketchIndex } from '../../src/explain/sketch.ts';
import { prng } from '../helpers/prng.ts';

/**
 * The index keeps sketches as typed-array rows behind handles and finds groups by numeric hashes
 * checked against the rows: every field must come back exactly, and every query must give what a
 * scan over all sketches gives, even when keys collide.
 */

const FIELDS = [
  'id',
  'capture',
  'client',
  'server',
  'clientPort',
  'serverPort',
  'start',
  'end',
  'endReason',
  'established',
  'resetBy',
  'clientBytes',
  'serverBytes',
  'clientPackets',
  'firstRequest',
  'serverPackets',
  'synCount',
  'clientIsn',
  'serverIsn',
  'synTs',
  'synAckTs',
  'ackTs',
  'clientTtl',
  'serverTtl',
  'resets',
] as const satisfies readonly (keyof ConnectionSketch)[];

const CLIENTS = Array.from({ length: 24 }, (_, i) =>
  i % 3 === 0 ? `2001:db8::${i + 1}` : `10.1.0.${i + 1}`,
);
const SERVERS = ['10.9.0.1', '10.9.0.2', '2001:db8:9::1', '10.9.0.4'];
const PORTS = [80, 139, 445, 65535];
const REASONS = ['fin', 'rst', 'timeout', 'open', 'unanswered', 'superseded'];

/** Sketches with values beyond 2^31 and 2^32 wherever the tracker produces them, and few enough
 *  client ports that many 4-tuples carry several connections. */
function randomSketches(count: number, seed: number): ConnectionSketch[] {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const int = (n: number): number => Math.floor(random() * n);
  const epoch = 1_700_000_000_000_000;
  const out: ConnectionSketch[] = [];
  for (let i = 0; i < count; i++) {
    const capture = int(3);
    const start = epoch + int(600) * 1_000_000 + int(1000);
    const resets = Array.from({ length: random() < 0.3 ? 1 + int(3) : 0 }, () => ({
      fromClient: random() < 0.5,
      seq: int(2 ** 32),
      ack: int(2 ** 32),
      flags: pick([0x04, 0x14, 0x114]),
      ts: start + int(5_000_000),
      frame: 1 + int(2 ** 40),
    }));
    out.push({
      id: capture * 2 ** 32 + i + 1,
      capture,
      client: pick(CLIENTS),
      server: pick(SERVERS),
      clientPort: 40000 + int(4),
      serverPort: pick(PORTS),
      start,
      end: start + int(10_000_000),
      endReason: pick(REASONS),
      established: random() < 0.7,
      resetBy: int(4),
      clientBytes: int(2 ** 40),
      serverBytes: int(2 ** 40),
      clientPackets: int(2 ** 33),
      firstRequest: random() < 0.4 ? null : (int(2 ** 32) >>> 0) * 128 + int(65),
      serverPackets: int(100),
      synCount: int(5),
      clientIsn: random() < 0.1 ? -1 : int(2 ** 32),
      serverIsn: random() < 0.2 ? -1 : 2 ** 32 - 1 - int(1000),
      synTs: random() < 0.1 ? -1 : start,
      synAckTs: random() < 0.2 ? -1 : start + int(1000),
      ackTs: random() < 0.3 ? -1 : start + 1000 + int(1000),
      clientTtl: random() < 0.1 ? -1 : int(256),
      serverTtl: pick([-1, 0, 64, 255]),
      resets,
    });
  }
  return out;
}

const ids = (list: readonly ConnectionSketch[]): number[] => list.map((s) => s.id);

/** The same sketch objects (identity matters: multi/ keys maps by sketch), in the same order. */
function assertSame(got: readonly ConnectionSketch[], expected: readonly ConnectionSketch[]): void {
  assert.deepEqual(ids(got), ids(expected));
  assert.ok(
    got.every((s, i) => s === expected[i]),
    'the objects the index returned from add',
  );
}

function build(sketches: readonly ConnectionSketch[], hashMask?: number) {
  const index = new SketchIndex({ hashMask });
  const kept = sketches.map((s) => index.add(s));
  return { index, kept };
}

for (const [label, hashMask] of [
  ['spread keys', undefined],
  ['keys forced into 4 hashes', 3],
  ['every key one hash', 0],
] as const) {
  test(`compact index (${label}): every field comes back exactly, in the order added`, () => {
    const sketches = randomSketches(3000, 11);
    const { index, kept } = build(sketches, hashMask);
    assert.equal(index.all.length, sketches.length);
    sketches.forEach((s, i) => {
      assert.ok(index.all[i] === kept[i], 'all holds the sketches the index returned');
      for (const f of FIELDS) assert.deepEqual(kept[i][f], s[f], `${f} of sketch ${i}`);
    });
  });

  test(`compact index (${label}): onTuple and betweenHosts agree with a scan`, () => {
    const sketches = randomSketches(3000, 12);
    const { index, kept } = build(sketches, hashMask);
    const random = prng(13);
    let reused = 0;
    for (let q = 0; q < 400; q++) {
      // Half the queries name an existing connection's tuple, half a random (maybe absent) one.
      const s = sketches[Math.floor(random() * sketches.length)];
      const capture = q % 2 === 0 ? s.capture : Math.floor(random() * 4);
      const client = q % 2 === 0 ? s.client : CLIENTS[Math.floor(random() * CLIENTS.length)];
      const clientPort = q % 2 === 0 ? s.clientPort : 40000 + Math.floor(random() * 6);
      const server = q % 4 === 1 ? '192.0.2.77' : s.server;
      const serverPort = s.serverPort;
      const onTuple = kept.filter(
        (k) =>
          k.capture === capture &&
          k.client === client &&
          k.clientPort === clientPort &&
          k.server === server &&
          k.serverPort === serverPort,
      );
      if (onTuple.length > 1) reused++;
      assertSame(index.onTuple(capture, client, clientPort, server, serverPort), onTuple);
      const between = kept.filter((k) => k.capture === capture && k.client === client && k.server === server);
      assertSame(index.betweenHosts(capture, client, server), between);
    }
    assert.ok(reused > 50, `4-tuples carrying several connections were queried (${reused})`);
  });

  test(`compact index (${label}): toService agrees with a scan, in start order`, () => {
    const sketches = randomSketches(3000, 14);
    const { index, kept } = build(sketches, hashMask);
    const random = prng(15);
    for (let q = 0; q < 300; q++) {
      const capture = Math.floor(random() * 3);
      const server = SERVERS[Math.floor(random() * SERVERS.length)];
      const serverPort = PORTS[Math.floor(random() * PORTS.length)];
      const around = 1_700_000_000_000_000 + Math.floor(random() * 600) * 1_000_000;
      const radius = 1 + Math.floor(random() * 20_000_000);
      // A stable sort: equal starts stay in the order added, as in the index.
      const expected = kept
        .filter(
          (k) =>
            k.capture === capture &&
            k.server === server &&
            k.serverPort === serverPort &&
            Math.abs(k.start - around) < radius,
        )
        .sort((a, b) => a.start - b.start);
      assertSame(index.toService(capture, server, serverPort, around, radius), expected);
    }
    assert.deepEqual(index.toService(0, '192.0.2.77', 80, 1_700_000_000_000_000, 1e12), []);
  });
}

test('fingerprint: equal prefixes are equal numbers, a longer or changed prefix is not', () => {
  const a = new TextEncoder().encode('GET /api/x HTTP/1.1\r\n');
  const fa = fingerprint(a);
  assert.ok(Number.isSafeInteger(fa) && fa >= 0);
  assert.equal(fingerprint(a.slice()), fa);
  assert.notEqual(fingerprint(a.subarray(0, a.length - 1)), fa);
  const b = a.slice();
  b[4] ^= 1;
  assert.notEqual(fingerprint(b), fa);
  assert.equal(fa % 128, a.length, 'the length is packed in the low bits');
  assert.ok(Number.isSafeInteger(fingerprint(new Uint8Array(64).fill(0xff))));
});
