import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { explainCaptures, runExplain } from '../../src/cli/explain-command.ts';
import type { Finding } from '../../src/explain/finding.ts';
import { FindingStore } from '../../src/explain/finding-store.ts';
import { explainDocument, writeExplainDocument } from '../../src/report/explain-json.ts';
import { explainText, explainTextLines } from '../../src/report/explain-text.ts';

const here = new URL('.', import.meta.url).pathname;
const BUSY = join(here, '../fixtures/lab/busy/client.pcap');
const LISTEN = join(here, '../fixtures/lab/listen-overflow/client.pcap');

function finding(n: number, extra: Partial<Finding> = {}): Finding {
  return {
    id: 0,
    kind: 'reset',
    cause: 'app-abort',
    severity: 'benign',
    confidence: 0.7,
    origin: 'client',
    packets: [
      { capture: 0, frame: n },
      { capture: 0, frame: n + 1 },
    ],
    connection: { client: `10.0.0.1:${40000 + n}`, server: '10.0.0.2:80' },
    time: 1_700_000_000 + n,
    evidence: [
      { signal: 'seq', detail: `reset number ${n} — “quoted” ünïcode`, frames: [{ capture: 0, frame: n }] },
    ],
    alternatives: [],
    summary: `summary ${n}`,
    nextStep: 'nothing',
    ladder: [
      { capture: 0, frame: n, ts: 1, from: 'server', flags: 'RA', seq: 1, ack: 2, len: 0, win: 0, ttl: 64 },
    ],
    ...extra,
  };
}

function rstscopeTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith('rstscope-'));
}

test('findings beyond spillAfter go to a temporary file and come back equal', () => {
  const before = new Set(rstscopeTempDirs());
  const store = new FindingStore({ spillAfter: 3 });
  const added = Array.from({ length: 10 }, (_, i) => finding(i + 1));
  const heads = added.map((f) => store.add(structuredClone(f)));
  assert.equal(store.spilled, true);
  const created = rstscopeTempDirs().filter((d) => !before.has(d));
  assert.equal(created.length, 1, 'one temporary directory');
  heads.forEach((h, i) => {
    h.id = i + 100;
    const back = store.get(h);
    assert.deepEqual(back, { ...added[i], id: i + 100 });
  });
  // Heads keep what sorting and patterns need, and only the first packet.
  assert.equal(heads[4].packetCount, 2);
  assert.deepEqual(heads[4].packets, [{ capture: 0, frame: 5 }]);
  assert.equal(heads[4].senders, 2);
  store.close();
  assert.equal(existsSync(join(tmpdir(), created[0])), false, 'close removes the temporary directory');
});

test('replace, remove, pin and head-only slots behave after spilling', () => {
  const store = new FindingStore({ spillAfter: 2 });
  const a = store.add(finding(1));
  const b = store.add(finding(2));
  const c = store.add(finding(3)); // spills
  const p = store.add(finding(4, { kind: 'pattern', cause: 'reconnect-loop' }), { pin: true });
  const s = store.add(finding(5), { headOnly: true });
  const changed = { ...store.get(a), summary: 'changed', packets: [{ capture: 0, frame: 99 }] };
  const a2 = store.replace(a, changed);
  assert.equal(store.get(a2).summary, 'changed');
  assert.equal(a2.packetCount, 1);
  store.remove(b);
  assert.deepEqual(
    store.live().map((h) => h.slot),
    [a.slot, c.slot, p.slot, s.slot],
  );
  assert.throws(() => store.get(b), /removed/);
  assert.throws(() => store.get(s), /head only/);
  assert.equal(store.isHeadOnly(s), true);
  // A pinned finding is the object itself: later changes (ids, related) show.
  store.get(p).related = [1, 2];
  assert.deepEqual(store.get(p).related, [1, 2]);
  store.close();
});

test('a spilled run reports exactly what an in-memory run reports (text, JSON, NDJSON order)', async () => {
  const inMemory = await runExplain([BUSY], { spillAfter: Number.POSITIVE_INFINITY });
  const spilled = await explainCaptures([BUSY], { spillAfter: 4 });
  try {
    assert.ok(inMemory.findings.length > 50);
    const again = spilled.findings.toArray();
    assert.deepEqual(again, inMemory.findings);
    // The streamed JSON document is byte for byte the one-string document.
    let streamed = '';
    writeExplainDocument(
      (t) => {
        streamed += t;
      },
      spilled.captures,
      spilled.findings,
      spilled.paths,
    );
    assert.equal(streamed, explainDocument(inMemory.captures, inMemory.findings, inMemory.paths));
    assert.deepEqual(
      [...explainTextLines(spilled.captures, spilled.findings, false)],
      explainText(inMemory.captures, inMemory.findings, false),
    );
  } finally {
    spilled.findings.close();
  }
});

test('the JSON document with paths and with no findings matches JSON.stringify', () => {
  const store = new FindingStore();
  const empty = { heads: [], finding: () => store.get(null as never) };
  let text = '';
  writeExplainDocument(
    (t) => {
      text += t;
    },
    [],
    empty,
    [],
  );
  assert.equal(text, explainDocument([], [], []));
  const f = finding(7);
  const h = store.add(f);
  h.id = 1;
  text = '';
  const loss = [
    { from: [0], to: [1], direction: 'server→client', seen: 3, lost: 1, connections: 1, frames: [] },
  ];
  writeExplainDocument(
    (t) => {
      text += t;
    },
    [],
    { heads: [h], finding: (x) => store.get(x) },
    loss as never,
  );
  assert.equal(text, explainDocument([], [{ ...f, id: 1 }], loss as never));
});

test('connections explained early (beyond maxPending) still give one finding per reset', async () => {
  const verdicts = (fs: Finding[]) =>
    fs
      .filter((f) => f.kind === 'reset')
      .flatMap((f) => f.packets.map((p) => `${p.frame} ${f.cause} ${f.origin}`))
      .sort();
  for (const path of [LISTEN, BUSY]) {
    const whole = await runExplain([path]);
    assert.ok(verdicts(whole.findings).length > 0);
    // However early: every reset is still in exactly one finding.
    const hurried = await runExplain([path], { maxPending: 1, spillAfter: 3 });
    assert.deepEqual(
      verdicts(hurried.findings).map((v) => v.split(' ')[0]),
      verdicts(whole.findings).map((v) => v.split(' ')[0]),
    );
    // Once a few later connections have ended, the neighbours a rule looks at (a burst to the
    // port, the other SMB port) are known: the same verdicts as at the end of the capture.
    const early = await runExplain([path], { maxPending: 5, spillAfter: 3 });
    assert.deepEqual(verdicts(early.findings), verdicts(whole.findings));
  }
});
