/**
 * Pure parts of the report page that run in Node too (embedded by their source): the timeline's
 * binning and the readable form of pattern details.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patternDetails } from '../../src/report/html/pattern-details.ts';
import { timelineBins } from '../../src/report/html/timeline-bins.ts';

describe('timelineBins', () => {
  // Levels: 0 security, 1 problem, 2 expected-failure, 3 benign.
  const times = [100, 100.5, 101, 109.99, 110, 95, 111];
  const levels = [3, 1, 3, 0, 2, 1, 1];

  it('counts per bin and level, stacks from the bottom level up, skips what is outside', () => {
    const b = timelineBins(times, levels, 100, 110, 10, 4);
    assert.equal(b.width, 1);
    assert.deepEqual(b.x.slice(0, 3), [100.5, 101.5, 102.5]);
    assert.deepEqual(b.total, [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(
      b.counts.map((c) => [c[0], c[1], c[9]]),
      [
        [0, 0, 1],
        [1, 0, 0],
        [0, 0, 1],
        [1, 1, 0],
      ],
    );
    // Series k = levels k…3; empty bins are null (uPlot draws nothing there).
    assert.deepEqual(
      b.stacked.map((s) => [s[0], s[1], s[2], s[9]]),
      [
        [2, 1, null, 2],
        [2, 1, null, 1],
        [1, 1, null, 1],
        [1, 1, null, null],
      ],
    );
    assert.equal(b.max, 2);
  });

  it('puts a finding exactly at the end of the range in the last bin', () => {
    const b = timelineBins([0, 10], [1, 1], 0, 10, 5, 4);
    assert.deepEqual(b.total, [1, 0, 0, 0, 1]);
  });

  it('bins 50,000 findings into the bars asked for', () => {
    const n = 50_000;
    const t = Float64Array.from({ length: n }, (_, i) => 1000 + (600 * i) / n);
    const l = Uint8Array.from({ length: n }, (_, i) => i % 4);
    const b = timelineBins(t, l, 1000, 1600, 400, 4);
    assert.equal(b.x.length, 400);
    assert.equal(
      b.total.reduce((x, y) => x + y, 0),
      n,
    );
    assert.ok(b.stacked[0].every((v, i) => v === b.total[i]));
  });
});

describe('patternDetails', () => {
  it('reads a reconnect loop in words with units, not as a dump', () => {
    assert.deepEqual(
      patternDetails('reconnect-loop', {
        count: 15,
        interval: 0.022675714285714285,
        sameRequest: false,
        mainCause: 'firewall-reject',
      }),
      [
        ['connections', '15'],
        ['pace', 'one every 22.7 ms on average'],
        ['same first request each time', 'no'],
        ['most common cause', 'firewall-reject'],
      ],
    );
  });

  it('names the counts of each pattern and gives durations units', () => {
    assert.deepEqual(patternDetails('repeated-reset', { count: 12_500, span: 754.2 }), [
      ['resets on the same 4-tuple', '12,500'],
      ['over', '12.6 min'],
    ]);
    assert.deepEqual(patternDetails('reset-storm', { count: 209 }), [['resets within ten seconds', '209']]);
    assert.deepEqual(patternDetails('scan', { ports: 1024, attempts: 2048 }), [
      ['ports tried', '1,024'],
      ['attempts', '2,048'],
    ]);
    assert.deepEqual(patternDetails('reconnect-loop', { interval: 0.0001425 }), [
      ['pace', 'one every 143 µs on average'],
    ]);
  });

  it('still shows keys it does not know, in words, rounded', () => {
    assert.deepEqual(
      patternDetails('scan', {
        meanGapSeconds: 0.123456789,
        hostCount: 3,
        ratio: 12.34567,
        allSame: true,
        ports_seen: [22, 23, 25],
        nothing: null,
      }),
      [
        ['mean gap seconds', '0.123'],
        ['host count', '3'],
        ['ratio', '12.35'],
        ['all same', 'yes'],
        ['ports seen', '22, 23, 25'],
        ['nothing', '—'],
      ],
    );
  });
});
