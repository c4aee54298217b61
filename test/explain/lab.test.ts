import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labScenarios } from '../helpers/lab.ts';
import { labAccuracy } from '../helpers/lab-accuracy.ts';

/**
 * Real Linux stack recordings (test/lab/record.py): every reset in every capture — client,
 * router and server vantage points analysed separately — must get the recorded cause and origin,
 * and every failure without a reset must be found wherever its packets were captured.
 */
const scenarios = labScenarios();

test('the lab fixtures are present', () => {
  assert.ok(scenarios.length >= 10, `only ${scenarios.length} lab scenarios found`);
});

for (const s of scenarios) {
  test(`lab scenario ${s.id}: causes and origins of every reset, failures found`, async () => {
    const [result] = await labAccuracy([s.id]);
    for (const v of result.resets) {
      const where = `${s.id}/${v.vantage} frame ${v.frame} (${v.from} → ${v.to})`;
      assert.ok(v.expected !== null, `${where}: a reset the scenario does not list`);
      assert.equal(v.findingCount, 1, `${where}: in ${v.findingCount} findings`);
      assert.equal(v.finding?.cause, v.expected!.cause, `${where}: cause`);
      assert.equal(
        v.finding?.origin,
        v.expected!.sender === 'router' ? 'middlebox' : v.expected!.sender,
        `${where}: origin`,
      );
    }
    for (const f of result.failures) {
      assert.ok(
        f.found,
        `${s.id}/${f.vantage}: failure ${f.expected.cause} of ${f.expected.client} → ${f.expected.server} not found`,
      );
    }
    assert.deepEqual(result.unexpectedFailures, [], `${s.id}: failure findings the scenario does not list`);
    const seen = new Set(result.resets.map((r) => `${r.from}|${r.to}`));
    for (const e of s.resets) {
      assert.ok(
        seen.has(`${e.from}|${e.to}`),
        `${s.id}: expected reset ${e.from} → ${e.to} appears in no capture`,
      );
    }
  });
}
