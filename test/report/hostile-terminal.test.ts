/**
 * The hostile capture (test/fixtures/hostile/make.ts) through the terminal report: the HTTP
 * request line, SMTP command, TLS SNI and SMB2 share path carry escape sequences, C1 controls and
 * bidi overrides; `rstscope explain` must print them as visible escapes, never raw.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeHostileCapture } from '../fixtures/hostile/make.ts';

const root = path.join(import.meta.dirname, '..', '..');
const committed = path.join(root, 'test/fixtures/hostile/hostile.pcap');

/** What a terminal may act on: C0 except newline, DEL, C1, and bidi/format controls. */
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function explain(file: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, 'src/cli/main.ts'), 'explain', file, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

describe('hostile capture on the terminal', () => {
  it('the committed capture is what make.ts writes', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rstscope-hostile-')), 'h.pcap');
    writeHostileCapture(tmp);
    assert.deepEqual(fs.readFileSync(tmp), fs.readFileSync(committed));
    fs.rmSync(path.dirname(tmp), { recursive: true });
  });

  it('explain prints every payload escaped: no raw ESC, BEL, C1 or bidi character', () => {
    const r = explain(committed);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 2, 'problem findings present');
    const bad = RAW.exec(r.stdout);
    assert.equal(bad, null, bad ? `raw U+${bad[0].codePointAt(0)!.toString(16)} in output` : '');
    // The four application summaries are there, with their escapes visible.
    assert.match(
      r.stdout,
      /request: GET \/<script>window\.__pwned=1<\/script>.*\\x1b\[2J\\x1b\]0;pwned\\x07/,
    );
    assert.match(r.stdout, /request: SMTP MAIL FROM:<a@<script>/);
    assert.match(
      r.stdout,
      /request: TLS ClientHello sni=\\x1b\[2J\\x1b\]0;pwned\\x07\\x1b\]8;;http:\/\/evil\/\\x07\\u009b31m\\u202eexe\.txt\\u2066/,
    );
    assert.match(r.stdout, /request: SMB2 TREE_CONNECT \\\\srv\\\\x1b\[2J/);
    assert.equal(r.stdout.match(/^#\d+ /gm)?.length, 4, 'one finding per connection');
  });

  it('JSON output escapes them as JSON does (\\u001b), never raw', () => {
    const r = explain(committed, '--json');
    assert.equal(r.status, 2);
    assert.equal(RAW.exec(r.stdout), null);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.findings.length, 4);
    for (const f of doc.findings) assert.ok(f.app.request.length > 0);
  });
});
