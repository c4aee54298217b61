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

test('FTP: a reset answering a later segment of a merged reply says the start is all that was read', {
  skip,
}, async () => {
  // Server 550 at 44, client FIN 45, server 221 at 47 (same message: no client data between), RST 48.
  const f = holding(await explainCorpus('zeek/ftp/ipv6-multiline-reply.pcap'), 48);
  const e = f.evidence.find((x) => x.signal === 'app-context');
  assert.ok(e !== undefined);
  assert.match(e.detail, /frame 47/);
});
