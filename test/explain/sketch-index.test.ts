import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectionSketch, SketchIndex } from '../../src/explain/sketch.ts';
import { prng } from '../helpers/prng.ts';

function sketch(
  id: number,
  start: number,
  server = '10.0.0.9',
  serverPort = 445,
  capture = 0,
): ConnectionSketch {
  return {
    id,
    capture,
    client: '10.0.0.1',
    server,
    clientPort: 40000 + id,
    serverPort,
    start,
    end: start + 10,
    endReason: 'fin',
    established: true,
    resetBy: 0,
    clientBytes: 0,
    serverBytes: 0,
    clientPackets: 0,
    firstRequest: null,
    serverPackets: 0,
    synCount: 1,
    clientIsn: 0,
    serverIsn: 0,
    synTs: start,
    synAckTs: -1,
    ackTs: -1,
    clientTtl: -1,
    serverTtl: -1,
    resets: [],
  };
}

test('toService: connections to one service starting strictly within the radius, in start order', () => {
  const index = new SketchIndex();
  // Added in end order, not start order, as the tracker ends them.
  for (const [id, start] of [
    [1, 5_000_000],
    [2, 4_000_001],
    [3, 6_000_000],
    [4, 3_999_999],
    [5, 4_000_000],
    [6, 5_999_999],
  ] as const)
    index.add(sketch(id, start));
  index.add(sketch(7, 5_000_000, '10.0.0.9', 139));
  index.add(sketch(8, 5_000_000, '10.0.0.8', 445));
  index.add(sketch(9, 5_000_000, '10.0.0.9', 445, 1));
  const ids = index.toService(0, '10.0.0.9', 445, 5_000_000, 1_000_000).map((s) => s.id);
  assert.deepEqual(ids, [2, 1, 6]);
  assert.deepEqual(index.toService(0, '10.0.0.7', 445, 5_000_000, 1_000_000), []);
});

test('toService agrees with a linear scan on random insertions', () => {
  const random = prng(7);
  const index = new SketchIndex();
  const all: ConnectionSketch[] = [];
  for (let id = 0; id < 2000; id++) {
    const s = sketch(id, Math.floor(random() * 1000) * 1000, '10.0.0.9', random() < 0.5 ? 445 : 139);
    index.add(s);
    all.push(s);
  }
  for (let q = 0; q < 200; q++) {
    const around = Math.floor(random() * 1_000_000);
    const radius = Math.floor(random() * 50_000) + 1;
    const expected = all
      .filter((s) => s.serverPort === 445 && Math.abs(s.start - around) < radius)
      .map((s) => s.id)
      .sort((a, b) => a - b);
    const got = index.toService(0, '10.0.0.9', 445, around, radius).map((s) => s.id);
    for (let i = 1; i < got.length; i++) {
      const prev = all[got[i - 1]].start;
      assert.ok(prev <= all[got[i]].start, 'start order');
    }
    assert.deepEqual(
      [...got].sort((a, b) => a - b),
      expected,
    );
  }
});
