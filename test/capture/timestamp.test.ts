import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TimestampScale } from '../../src/capture/timestamp.ts';
import { prng } from '../helpers/prng.ts';

/** BigInt reference: count in 10^-e or 2^-p seconds -> (µs, ns) since 1970. */
function reference(high: number, low: number, tsresol: number, offset: number): [bigint, bigint] {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const exponent = BigInt(tsresol & 0x7f);
  let nanos: bigint;
  if (tsresol & 0x80) nanos = (units * 1_000_000_000n) >> exponent;
  else if (exponent >= 9n) nanos = units / 10n ** (exponent - 9n);
  else nanos = units * 10n ** (9n - exponent);
  return [nanos / 1000n + BigInt(offset) * 1_000_000n, nanos % 1000n];
}

const resolutions = [
  ...Array.from({ length: 20 }, (_, e) => e), // 10^0 .. 10^-19 s
  ...[1, 10, 16, 20, 24, 30, 32, 40, 48, 63].map((p) => 0x80 | p), // 2^-p s
];

describe('TimestampScale', () => {
  test('nanoseconds since 1970 (above 2^53) convert exactly', () => {
    const scale = new TimestampScale(9);
    const ns = 1_700_000_000_123_456_999n; // > 2^53
    scale.convert(Number(ns >> 32n), Number(ns & 0xffffffffn));
    assert.equal(scale.micros, 1_700_000_000_123_456);
    assert.equal(scale.nanos, 999);
    // Through a float64 the last digits would be wrong: the exactness is the point.
    assert.notEqual(Math.floor(Number(ns) / 1000), 1_700_000_000_123_456);
  });

  test('the default unit is the microsecond, with the offset in seconds', () => {
    const scale = new TimestampScale(6, -3600);
    const micros = 1_700_000_000_000_000;
    scale.convert(Math.floor(micros / 2 ** 32), micros % 2 ** 32);
    assert.equal(scale.micros, 1_700_000_000_000_000 - 3_600_000_000);
    assert.equal(scale.nanos, 0);
  });

  test('2^-32 s units: an NTP-style fraction', () => {
    const scale = new TimestampScale(0x80 | 32);
    scale.convert(1_700_000_000, 0x80000000); // + 0.5 s
    assert.equal(scale.micros, 1_700_000_000_500_000);
    assert.equal(scale.nanos, 0);
  });

  test('precision digits', () => {
    assert.equal(new TimestampScale(6).precision, 6);
    assert.equal(new TimestampScale(9).precision, 9);
    assert.equal(new TimestampScale(0x80 | 20).precision, 7);
    assert.equal(new TimestampScale(0).precision, 0);
  });

  for (const tsresol of resolutions) {
    test(`matches the BigInt reference for if_tsresol 0x${tsresol.toString(16)}`, () => {
      const seed = 0x5eed + tsresol;
      const random = prng(seed);
      const offset = 1000;
      const scale = new TimestampScale(tsresol, offset);
      for (let i = 0; i < 2000; i++) {
        // Mix full-range words with edge values (0, 2^32-1) and realistic magnitudes.
        const pick = random();
        const high =
          pick < 0.1
            ? 0
            : pick < 0.2
              ? 0xffffffff
              : pick < 0.6
                ? Math.floor(random() * 0x1000000)
                : (random() * 2 ** 32) >>> 0;
        const low = random() < 0.1 ? 0xffffffff : (random() * 2 ** 32) >>> 0;
        scale.convert(high, low);
        const [micros, nanos] = reference(high, low, tsresol, offset);
        assert.equal(BigInt(scale.nanos), nanos, `seed ${seed} step ${i}: ${high}:${low}`);
        if (micros < 2n ** 53n) {
          assert.equal(BigInt(scale.micros), micros, `seed ${seed} step ${i}: ${high}:${low}`);
        } else {
          // Beyond 2^53 µs (year 2255) a float64 cannot hold every integer; stay within rounding.
          assert.ok(Math.abs(scale.micros - Number(micros)) <= Number(micros) * 2 ** -50);
        }
      }
    });
  }
});
