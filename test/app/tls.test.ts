/**
 * TLS summaries. Expected values were checked against tshark 4.0 (tls.handshake.type,
 * tls.handshake.extensions_server_name, tls.alert_message.level/desc) on the same frames.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { ascii, client, hexBytes, server, summarize, summarizeCorpus } from './helpers.ts';

describe('TLS ClientHello', () => {
  it('shows the SNI', () => {
    const s = summarizeCorpus(P.tlsClientHelloSni);
    assert.deepEqual(s, {
      protocol: 'tls',
      direction: 'request',
      text: 'TLS ClientHello sni=www.github.com',
      error: false,
      operation: 'ClientHello',
    });
  });

  it('marks an ECH outer hello, whose SNI is only the public name', () => {
    assert.equal(summarizeCorpus(P.tlsClientHelloEch).text, 'TLS ClientHello sni=cloudflare-ech.com (ECH)');
  });

  it('says when there is no SNI', () => {
    assert.equal(summarizeCorpus(P.tlsClientHelloNoSni).text, 'TLS ClientHello (no SNI)');
  });

  it('keeps the SNI of a hello cut after the extension, and says "truncated" when cut before it', () => {
    const full = hexBytes(P.tlsClientHelloSni.hex);
    let sawTruncated = false;
    let sawSni = false;
    assert.equal(summarize(full.subarray(0, 5), client(443))?.text, 'TLS handshake (truncated)');
    for (let n = 6; n <= full.length; n++) {
      const s = summarize(full.subarray(0, n), client(443));
      assert.ok(s, `prefix ${n}`);
      assert.equal(s.operation, 'ClientHello');
      if (s.text === 'TLS ClientHello (truncated)') sawTruncated = true;
      else if (s.text === 'TLS ClientHello sni=www.github.com') sawSni = true;
      else assert.match(s.text, /^TLS ClientHello sni=[\w.]*…$/, `prefix ${n}: ${s.text}`);
    }
    assert.ok(sawTruncated && sawSni);
  });

  it('recognises an SSL 2.0-format ClientHello', () => {
    assert.equal(summarizeCorpus(P.tlsSsl2ClientHello).text, 'TLS ClientHello (SSLv2 format, TLS 1.0)');
  });
});

describe('TLS server flight and later records', () => {
  it('names the negotiated version and the messages of the flight', () => {
    assert.equal(summarizeCorpus(P.tlsServerHello13).text, 'TLS ServerHello TLS 1.3');
    const flight = summarizeCorpus(P.tlsServerHello12Flight);
    assert.equal(flight.text, 'TLS ServerHello TLS 1.2, Certificate, ServerKeyExchange, ServerHelloDone');
    assert.equal(flight.direction, 'response');
    assert.equal(flight.operation, 'ServerHello');
  });

  it('does not parse handshake records protected after ChangeCipherSpec', () => {
    assert.equal(
      summarizeCorpus(P.tlsClientFinishedAfterCcs).text,
      'TLS ClientKeyExchange, ChangeCipherSpec, encrypted handshake message',
    );
    // A Finished alone in its segment: the all-zero AES-GCM nonce must not read as HelloRequests.
    assert.equal(summarizeCorpus(P.tlsEncryptedFinishedAlone).text, 'TLS encrypted handshake message');
  });

  it('names application data and heartbeat records', () => {
    const app = summarize(hexBytes('1703030005aabbccddee'), server(443));
    assert.equal(app?.text, 'TLS application data (5 bytes)');
    assert.equal(app?.operation, 'ApplicationData');
    assert.equal(summarizeCorpus(P.tlsHeartbeat).text, 'TLS heartbeat');
  });
});

describe('TLS alerts (RFC 8446 §6)', () => {
  it('reads a plaintext fatal alert as an error with its description', () => {
    // tshark: level 2, description 48
    assert.deepEqual(summarizeCorpus(P.tlsAlertUnknownCa), {
      protocol: 'tls',
      direction: 'request',
      text: 'TLS alert fatal unknown_ca',
      error: true,
      status: 48,
      operation: 'Alert',
    });
  });

  it('counts any alert but close_notify as an error', () => {
    const close = summarize(hexBytes('15030300020100'), server(443));
    assert.equal(close?.text, 'TLS alert warning close_notify');
    assert.equal(close?.error, false);
    const unrecognized = summarize(hexBytes('15030300020170'), server(443));
    assert.equal(unrecognized?.text, 'TLS alert warning unrecognized_name');
    assert.equal(unrecognized?.error, true);
    assert.equal(
      summarize(hexBytes('15030100020228'), server(443))?.text,
      'TLS alert fatal handshake_failure',
    );
  });

  it('lets an alert decide the summary even after other records', () => {
    const s = summarize(hexBytes('16030300040e000000' + '15030300020246'), server(443));
    assert.equal(s?.text, 'TLS alert fatal protocol_version');
  });

  it('does not guess the content of an encrypted alert', () => {
    const s = summarizeCorpus(P.tlsEncryptedAlert);
    assert.equal(s.text, 'TLS encrypted alert');
    assert.equal(s.error, false);
  });
});

describe('TLS detection', () => {
  it('is by record header on any port, and rejects implausible headers', () => {
    assert.equal(summarize(hexBytes(P.tlsClientHelloSni.hex), client(8443))?.protocol, 'tls');
    assert.equal(summarize(hexBytes('1703050005aabbccddee'), server(443)), null, 'version 3.5');
    assert.equal(summarize(hexBytes('1603034801aa'), server(443)), null, 'record longer than 2^14+2048');
    assert.equal(summarize(hexBytes('1603030000'), server(443)), null, 'empty handshake record');
    assert.equal(summarize(ascii('\x16\x03'), client(443)), null);
  });
});
