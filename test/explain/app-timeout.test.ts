import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainCorpus, holding, onClientPort, skipWithoutCorpus as skip } from './corpus-findings.ts';

/**
 * app-timeout needs a request that went unanswered: a keep-alive probe's byte is no request, a
 * server's response is no request, and a server closing an idle keep-alive connection is benign.
 */

test('a Windows keep-alive byte after an answered IOCTL is not an unanswered request', { skip }, async () => {
  // IOCTL 154 answered at 155; then 1-byte keep-alives (166 … 204) and the client's reset at 216.
  const f = holding(await explainCorpus('zeek/smb/smb_v2_only_non_zero_reserved1.pcap'), 216);
  assert.notEqual(f.cause, 'app-timeout');
  assert.equal(f.severity, 'benign');
  assert.notEqual(f.traceback?.lastClientData?.frame, 204, 'the last client data is the IOCTL, not a probe');
});

test('a server response the client acknowledged is no request; an idle keep-alive close is benign', {
  skip,
}, async () => {
  // GET, HTTP/1.1 200 OK at 10, client ACK at 11, server RST/ACK 8.9 s later.
  const f = holding(await explainCorpus('arkime/tests/pcap/http-wrapped-header.pcap'), 12);
  assert.notEqual(f.cause, 'app-timeout');
  assert.equal(f.severity, 'benign');
  assert.ok(!f.nextStep.includes('10.0.0.1'), `the client is not the HTTP service: ${f.nextStep}`);
  assert.match(f.summary, /idle/);
});

test('a capture that opens on keep-alive probes shows no stalled request', { skip }, async () => {
  // 1kxun: connections first seen at a 1-byte keep-alive (617, 637), acknowledged, nothing else.
  const findings = await explainCorpus('ndpi/tests/cfgs/default/pcap/1kxun.pcap');
  for (const port of [49596, 49581]) {
    const stalls = onClientPort(findings, port).filter((f) => f.cause === 'app-timeout');
    assert.deepEqual(stalls, [], `port ${port}: a keep-alive is not a request`);
  }
});

test('a small encrypted record after the server spoke, connection left open, is no stalled request', {
  skip,
}, async () => {
  // pinterest 47032: server data 300–302, client 39-byte record 304 (an HTTP/2 ack-sized record),
  // server ACK 305, then nothing until the capture ends.
  const findings = await explainCorpus('ndpi/tests/cfgs/default/pcap/pinterest.pcap');
  assert.deepEqual(
    findings.filter((f) => f.kind === 'failure' && f.cause === 'app-timeout'),
    [],
  );
});
