import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { TcpFlag } from '../../src/decode/packet-view.ts';
import { readPackets } from '../../src/pipeline/read-packets.ts';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.ts';

/**
 * `rstscope explain` on every public corpus capture: no error, and every RST packet belongs to
 * exactly one reset finding (the product's promise: one finding per reset, bursts grouped).
 */
test('explain covers every RST packet of the public corpus exactly once', {
  skip: !corpusAvailable() && 'corpus not present',
}, async () => {
  const entries = corpusEntries();
  assert.ok(entries.length > 200, `corpus has ${entries.length} captures`);
  let totalRsts = 0;
  for (const e of entries) {
    const rstFrames: number[] = [];
    await readPackets([e.path], {
      onTcp(record, view) {
        if ((view.flags & TcpFlag.RST) !== 0) rstFrames.push(record.frame);
      },
    });
    const { findings } = await runExplain([e.path]);
    const holders = new Map<number, number>();
    for (const f of findings) {
      if (f.kind !== 'reset') continue;
      assert.ok(f.packets.length > 0, `${e.localPath}: reset finding #${f.id} lists no packet`);
      for (const p of f.packets) holders.set(p.frame, (holders.get(p.frame) ?? 0) + 1);
      assert.ok(
        f.summary.length > 0 && f.nextStep.length > 0,
        `${e.localPath}: finding #${f.id} lacks words`,
      );
      assert.ok(f.confidence >= 0 && f.confidence <= 1);
    }
    for (const frame of rstFrames) {
      assert.equal(
        holders.get(frame),
        1,
        `${e.localPath}: RST frame ${frame} is in ${holders.get(frame) ?? 0} findings`,
      );
    }
    assert.equal(holders.size, rstFrames.length, `${e.localPath}: findings list frames that are not RSTs`);
    totalRsts += rstFrames.length;
  }
  // tshark counts 2350 RST packets in the corpus (MANIFEST); we must see at least nearly all.
  const tsharkTotal = entries.reduce((n, e) => n + e.rstPackets, 0);
  assert.ok(totalRsts >= tsharkTotal - 5, `rstscope saw ${totalRsts} RSTs, tshark ${tsharkTotal}`);
});
