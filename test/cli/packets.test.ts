/**
 * `rstscope packets` end to end: header-only captures, unsupported link types, several inputs
 * with a bad one among them, exit codes of all three reading commands, nanosecond timestamps,
 * unknown TCP options, tunnels and VLANs, and live standard input.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readCapture } from '../../src/capture/read-capture.ts';
import {
  LinkType,
  makeTempDir,
  PcapngWriter,
  PcapWriter,
  removeTempDir,
  writeTemp,
} from '../helpers/capture-writer.ts';
import { tcpFrame } from '../helpers/frames.ts';
import { LAB_DIR } from '../helpers/lab.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const BUSY = join(LAB_DIR, 'busy', 'client.pcap');
const REFUSED = join(LAB_DIR, 'refused', 'client.pcap');

const dir = makeTempDir('rstscope-packets-');
after(() => removeTempDir(dir));

function run(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'buffer', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** stdout and stderr into one file, so that their order is what a terminal shows. */
function runInterleaved(args: string[]): { code: number | null; text: string } {
  const file = join(dir, `interleaved-${Math.random().toString(36).slice(2)}.txt`);
  const fd = fs.openSync(file, 'w');
  const r = spawnSync(process.execPath, [MAIN, ...args], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  return { code: r.status, text: fs.readFileSync(file, 'utf8') };
}

function jsonRows(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

/** `editcap -s snaplen`: every record of `source` cut to `snaplen` bytes, original lengths kept. */
async function withSnaplen(source: string, snaplen: number, name: string): Promise<string> {
  const writer = new PcapWriter({ linkType: LinkType.ETHERNET, snaplen });
  await readCapture(source, 0, (r) => writer.writeRecord(r));
  return writeTemp(dir, name, writer.toBuffer());
}

/** The busy capture with the link type in its file header replaced. */
function withLinkType(linkType: number, name: string): string {
  const bytes = fs.readFileSync(BUSY);
  bytes.writeUInt32LE(linkType, 20);
  return writeTemp(dir, name, bytes);
}

describe('header-only captures (tcpdump -s 64/96)', () => {
  test('-s 64: every TCP packet is listed with its numbers; one line says the options were cut', async () => {
    const full = jsonRows(run(['packets', BUSY, '--json']).stdout);
    const file = await withSnaplen(BUSY, 64, 'snap64.pcap');
    const r = run(['packets', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const cut = jsonRows(r.stdout);
    assert.equal(full.length, 2670);
    assert.equal(cut.length, full.length, 'tshark lists 2670 TCP packets too');
    const numbers = (p: Record<string, unknown>) => [
      p.frame,
      p.src,
      p.sport,
      p.flags,
      p.seq,
      p.ack,
      p.win,
      p.len,
      p.ttl,
    ];
    assert.deepEqual(cut.map(numbers), full.map(numbers));
    const syn = cut.find((p) => p.flags === 'S') as { options: Record<string, unknown> };
    assert.equal(syn.options.mss, 1460, 'the options before the cut are read');
    assert.equal(syn.options.cut, true);
    assert.equal(syn.options.wscale, undefined, 'the window scale was after the cut');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0],
      /snap64\.pcap: 2635 TCP packets with options cut by the snaplen \(first: frame 3\)/,
    );
  });

  test('-s 64: explain sees every connection and the same findings as on the full capture', async () => {
    const file = await withSnaplen(BUSY, 64, 'snap64-explain.pcap');
    const summary = (path: string) => {
      const doc = JSON.parse(run(['explain', path, '--json']).stdout);
      return {
        connections: doc.captures[0].connections,
        causes: doc.findings.map((f: { cause: string }) => f.cause).sort(),
      };
    };
    const got = summary(file);
    assert.equal(got.connections, 300);
    assert.deepEqual(got, summary(BUSY));
  });

  test('-s 40: no packet has its fixed TCP header; one line says how many and why', async () => {
    const file = await withSnaplen(BUSY, 40, 'snap40.pcap');
    const r = run(['packets', file]);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `rstscope: ${file}: 2670 packets not analysed: 2670 cut by the snaplen (TCP header cut short; first: frame 3)\n`,
    );
  });
});

describe('unsupported link types', () => {
  test('said once, with the file name and the count; exit 1 when nothing could be decoded', () => {
    const file = withLinkType(147, 'lt147.pcap');
    const r = run(['packets', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `rstscope: ${file}: link type 147 (USER0, private use) is not supported: 2672 packets skipped (first: frame 1)\n`,
    );
    const explain = run(['explain', file, '--json']);
    assert.equal(explain.code, 1);
    const problems = JSON.parse(explain.stdout).captures[0].problems;
    assert.deepEqual(problems, [
      {
        offset: 24,
        message: `${file}: link type 147 (USER0, private use) is not supported: 2672 packets skipped (first: frame 1)`,
        fatal: false,
      },
    ]);
  });

  test('per pcapng interface: the supported one is read, the other one named', () => {
    const writer = new PcapngWriter();
    const eth = writer.addInterface({ linkType: LinkType.ETHERNET });
    const usb = writer.addInterface({ linkType: 189 });
    const frame = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'S' });
    writer.writePacket(eth, 1_000_000, frame.bytes);
    writer.writePacket(usb, 2_000_000, Buffer.alloc(48));
    writer.writePacket(usb, 3_000_000, Buffer.alloc(48));
    const file = writeTemp(dir, 'two-interfaces.pcapng', writer.toBuffer());
    const r = run(['packets', file, '--json']);
    assert.equal(r.code, 0, 'one interface could be read');
    assert.deepEqual(
      jsonRows(r.stdout).map((p) => p.frame),
      [1],
    );
    assert.match(
      r.stderr,
      /interface 1: link type 189 \(Linux USB\) is not supported: 2 packets skipped \(first: frame 2\)/,
    );
  });
});

describe('several inputs', () => {
  test('a bad input in the middle: reported when reached, earlier output intact, later inputs read', () => {
    const r = runInterleaved(['packets', '--resets', REFUSED, '/nonexistent/x.pcap', REFUSED]);
    assert.equal(r.code, 1);
    const lines = r.text.trim().split('\n');
    assert.equal(lines.length, 6, r.text);
    assert.equal(lines[0], `# capture 0: ${REFUSED}`);
    assert.match(lines[1], /^0: {5}4 .* \[RA\]/);
    assert.equal(lines[2], '# capture 1: /nonexistent/x.pcap');
    assert.equal(lines[3], 'rstscope: /nonexistent/x.pcap: no such file');
    assert.equal(lines[4], `# capture 2: ${REFUSED}`);
    assert.match(lines[5], /^2: {5}4 .* \[RA\]/);
  });

  test('JSON rows carry the capture index and no heading lines', () => {
    const r = run(['packets', '--json', '--resets', REFUSED, REFUSED]);
    assert.deepEqual(
      jsonRows(r.stdout).map((p) => [p.capture, p.frame]),
      [
        [0, 4],
        [1, 4],
      ],
    );
  });
});

describe('exit codes: 1 when an input could not be read at all, for every reading command', () => {
  const good = () => REFUSED;
  const tenBytes = () => writeTemp(dir, 'ten.pcap', fs.readFileSync(REFUSED).subarray(0, 10));
  const badMagic = () => {
    const writer = new PcapngWriter();
    writer.addInterface({ linkType: LinkType.ETHERNET });
    const bytes = writer.toBuffer();
    bytes.writeUInt32LE(0x11223344, 8);
    return writeTemp(dir, 'badbom.pcapng', bytes);
  };
  const unsupported = () => withLinkType(147, 'lt147-exit.pcap');
  const cases: [string, () => string, number, RegExp | null][] = [
    ['a good capture', good, 0, null],
    ['a 10-byte file', tenBytes, 1, /truncated pcap file header: 10 of 24 bytes/],
    [
      'a bad pcapng byte-order magic',
      badMagic,
      1,
      /bad byte-order magic in the Section Header Block at byte 0/,
    ],
    ['an unsupported link type only', unsupported, 1, /link type 147 .* not supported/],
  ];
  for (const [what, make, code, message] of cases) {
    test(what, () => {
      const file = make();
      for (const command of ['packets', 'connections', 'explain']) {
        const r = run([command, file]);
        // explain may add 2 for findings; a readable capture here has none of severity problem.
        assert.equal(r.code, code, `${command}: ${r.stderr}`);
        if (message !== null) assert.match(r.stderr, message, command);
      }
    });
  }
});

describe('what a packet line shows', () => {
  test('nanosecond timestamps: 9 decimals in text, exact integer nanoseconds in JSON', () => {
    const frame = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'S' });
    const ns = new PcapWriter({ linkType: LinkType.ETHERNET, nanoseconds: true });
    ns.writePacket(1_795_318_243_978_576, frame.bytes, { tsNanos: 789 });
    ns.writePacket(1_795_318_243_978_577, frame.bytes, { tsNanos: 0 });
    const file = writeTemp(dir, 'ns.pcap', ns.toBuffer());
    const text = run(['packets', file]).stdout.split('\n');
    assert.match(text[0], /^ {5}1 2026-11-22 03:30:43\.978576789 10\.0\.0\.1/);
    assert.match(text[1], /^ {5}2 2026-11-22 03:30:43\.978577000 /);
    const rows = jsonRows(run(['packets', file, '--json']).stdout);
    assert.equal(rows[0].tsNanos, '1795318243978576789');
    assert.equal(rows[1].tsNanos, '1795318243978577000');
    assert.equal(rows[0].ts, 1795318243.978576);
    // A microsecond capture keeps its six decimals and has no tsNanos.
    const us = jsonRows(run(['packets', REFUSED, '--json']).stdout);
    assert.equal(us[0].tsNanos, undefined);
    assert.match(run(['packets', REFUSED]).stdout, /03:29:20\.671164 /);
  });

  test('unknown TCP options keep their kind and length, in text and JSON', () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET });
    const raw = [28, 4, 0x80, 0x10, 253, 5, 0xab, 0xcd, 0xef, 172, 6, 1, 2, 3, 4];
    const frame = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', flags: 'SA', options: { mss: 1460, raw } });
    writer.writePacket(1_000_000, frame.bytes);
    const file = writeTemp(dir, 'opts.pcap', writer.toBuffer());
    assert.match(run(['packets', file]).stdout, /<mss 1460,opt 28 len 4,opt 253 len 5,opt 172 len 6>/);
    const options = jsonRows(run(['packets', file, '--json']).stdout)[0].options as Record<string, unknown>;
    assert.equal(options.mss, 1460);
    assert.deepEqual(options.unknown, [
      { kind: 28, len: 4 },
      { kind: 253, len: 5 },
      { kind: 172, len: 6 },
    ]);
  });

  test('VLANs and tunnels: ids and outer addresses in text and JSON', () => {
    const writer = new PcapWriter({ linkType: LinkType.ETHERNET });
    const inner = { src: '10.0.0.1', dst: '10.0.0.2', flags: 'R', vlan: [100, 200] };
    const outer = { src: '192.0.2.1', dst: '192.0.2.2' };
    writer.writePacket(1_000_000, tcpFrame({ ...inner, tunnel: 'vxlan', tunnelId: 4242, outer }).bytes);
    writer.writePacket(2_000_000, tcpFrame({ ...inner, tunnel: 'erspan2', tunnelId: 7, outer }).bytes);
    const file = writeTemp(dir, 'tunnels.pcap', writer.toBuffer());
    const text = run(['packets', file]).stdout.split('\n');
    assert.match(text[0], / vlan 100\.200 via vxlan vni 4242 \(192\.0\.2\.1 > 192\.0\.2\.2\)$/);
    assert.match(text[1], / vlan 100\.200 via gre \(192\.0\.2\.1 > 192\.0\.2\.2\), erspan II session 7$/);
    const rows = jsonRows(run(['packets', file, '--json']).stdout);
    assert.deepEqual(rows[0].vlan, [100, 200]);
    assert.deepEqual(rows[0].tunnels, ['vxlan']);
    assert.deepEqual(rows[0].encap, [{ type: 'vxlan', vni: 4242, src: '192.0.2.1', dst: '192.0.2.2' }]);
    assert.deepEqual(rows[1].tunnels, ['gre', 'erspan']);
    assert.deepEqual(rows[1].encap, [
      { type: 'gre', src: '192.0.2.1', dst: '192.0.2.2' },
      { type: 'erspan', erspanType: 2, session: 7 },
    ]);
  });
});

describe('live standard input', () => {
  /** `rstscope packets -` fed like `tcpdump -w - |`: by hand, with the pipe kept open. */
  async function live(steps: (child: ReturnType<typeof spawn>, seen: () => string) => Promise<void>) {
    const child = spawn(process.execPath, [MAIN, 'packets', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await steps(child, () => out);
      return { code: await exited, out };
    } finally {
      child.kill('SIGKILL');
      child.stdin?.destroy();
    }
  }

  async function until(seen: () => string, pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!pattern.test(seen()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  }

  // refused/client.pcap: 24-byte header, two ARP frames (58 bytes each), SYN (90), RST (70).
  const bytes = fs.readFileSync(REFUSED);
  const beforeRst = 24 + 58 + 58 + 90;

  test('packets show while the input is still open', async () => {
    const r = await live(async (child, seen) => {
      child.stdin?.write(bytes.subarray(0, beforeRst));
      await until(seen, /\[S\]/);
      assert.match(seen(), /^ {5}3 .* \[S\] /, 'the SYN is out before more input comes');
      child.stdin?.end(bytes.subarray(beforeRst));
    });
    assert.equal(r.code, 0);
    assert.match(r.out, /\n {5}4 .*\[RA\]/);
  });

  test('Ctrl-C: the packets the writer sends as it exits are still shown, then status 130', async () => {
    const r = await live(async (child, seen) => {
      child.stdin?.write(bytes.subarray(0, beforeRst));
      await until(seen, /\[S\]/);
      child.kill('SIGINT');
      // tcpdump got the same Ctrl-C: it writes what it still buffered and closes the pipe.
      await new Promise((resolve) => setTimeout(resolve, 100));
      child.stdin?.end(bytes.subarray(beforeRst));
    });
    assert.equal(r.code, 130);
    assert.match(r.out, /^ {5}3 .*\[S\].*\n {5}4 .*\[RA\]/);
  });

  test('Ctrl-C with a writer that does not stop: ends after the grace period, output kept', async () => {
    const started = Date.now();
    const r = await live(async (child, seen) => {
      child.stdin?.write(bytes);
      await until(seen, /\[RA\]/);
      child.kill('SIGINT');
    });
    assert.equal(r.code, 130);
    assert.ok(Date.now() - started < 8000);
    assert.match(r.out, /\[RA\]/);
  });
});
