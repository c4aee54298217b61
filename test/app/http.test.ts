import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { ascii, client, server, summarize, summarizeCorpus } from './helpers.ts';

describe('HTTP/1.x (RFC 9112 §3, §4)', () => {
  it('shows the request line and the method', () => {
    assert.deepEqual(summarizeCorpus(P.httpGet), {
      protocol: 'http',
      direction: 'request',
      text: 'GET /certsrv/ HTTP/1.1',
      error: false,
      operation: 'GET',
    });
  });

  it('shows the status line; 4xx and 5xx are errors', () => {
    assert.deepEqual(summarizeCorpus(P.http401), {
      protocol: 'http',
      direction: 'response',
      text: 'HTTP/1.1 401 Unauthorized',
      error: true,
      status: 401,
    });
    assert.equal(summarizeCorpus(P.http10NotFound).text, 'HTTP/1.0 404 Not Found');
    const ok = summarize(ascii('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n\r\n'), server(80));
    assert.equal(ok?.text, 'HTTP/1.1 503 Service Unavailable');
    assert.equal(ok?.status, 503);
    assert.equal(summarize(ascii('HTTP/1.1 304 Not Modified\r\n\r\n'), server(80))?.error, false);
  });

  it('keeps the version visible when a long target is cut', () => {
    const s = summarize(ascii(`GET /${'a'.repeat(300)} HTTP/1.1\r\nHost: x\r\n\r\n`), client(80));
    assert.ok(s);
    assert.equal(s.text.length, 160);
    assert.match(s.text, /^GET \/a+… HTTP\/1\.1$/);
  });

  it('accepts unregistered methods with a version, HTTP/0.9 GETs and lines cut by the segment', () => {
    assert.equal(
      summarize(ascii('RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\n'), client(80))?.operation,
      'RPC_IN_DATA',
    );
    assert.equal(summarize(ascii('GET /old\r\n'), client(80))?.text, 'GET /old');
    assert.equal(summarize(ascii('POST /api/upload?x=1&y='), client(8080))?.text, 'POST /api/upload?x=1&y=');
  });

  it('recognises the HTTP/2 preface', () => {
    const s = summarize(ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04\x00'), client(80));
    assert.equal(s?.text, 'HTTP/2 connection preface');
  });

  it('is not fooled by other protocols that look like it', () => {
    assert.equal(
      summarize(ascii('OPTIONS rtsp://10.2.2.2:8554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n'), client(8554)),
      null,
    );
    assert.equal(summarize(ascii('INVITE sip:bob@example.com SIP/2.0\r\n'), client(5060)), null);
    assert.equal(summarize(ascii('CONNECT {"verbose":false}\r\n'), client(4222)), null, 'NATS');
    assert.equal(summarize(ascii('RTSP/1.0 200 OK\r\n'), server(554)), null);
    // On a mail port a body line that starts with a method name is not an HTTP request.
    assert.equal(summarize(ascii('SEARCH results follow\r\nmore text\r\n'), client(25))?.protocol, 'smtp');
  });
});
