import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runExplain } from '../../src/cli/explain-command.ts';
import { explainCorpus, holding, skipWithoutCorpus as skip } from './corpus-findings.ts';

/** The application context of a finding names what the packets carried, paired as they happened. */

test('Redis "+OK" is not POP3', { skip }, async () => {
  const findings = await explainCorpus('zeek/redis/almost-resp.pcap');
  for (const f of findings) assert.doesNotMatch(JSON.stringify(f), /POP3/);
});

test('an SMTP 354 that answered DATA is not the answer to the unanswered end-of-DATA', async () => {
  const { findings } = await runExplain(['test/fixtures/lab/app-timeout-smtp/client.pcap']);
  const f = findings.find((x) => x.kind === 'reset');
  assert.equal(f?.cause, 'app-timeout');
  assert.match(f?.app?.request ?? '', /end-of-DATA/);
  assert.equal(f?.app?.response, undefined);
});

test("FTP: the server's reply after the client's FIN is a message of its own (the 221), the 550 answers RETR", {
  skip,
}, async () => {
  // Client RETR at 43, server 550 at 44, client FIN 45, server "221 …" at 47, client RST 48.
  const f = holding(await explainCorpus('zeek/ftp/ipv6-multiline-reply.pcap'), 48);
  assert.equal(f.cause, 'data-after-close');
  assert.equal(f.severity, 'benign');
  assert.match(f.app?.request ?? '', /^FTP RETR/);
  assert.match(f.app?.response ?? '', /^FTP 550/);
  assert.equal(f.traceback?.response?.frame, 44);
  const words = f.evidence.find((x) => x.signal === 'last-words');
  assert.ok(words !== undefined, 'the 221 is the server goodbye');
  assert.match(f.summary, /FTP 221/);
});
