/** POP3 summaries; expected values checked against tshark 4.0 (pop.request.command, pop.response.indicator). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { ascii, client, server, summarize, summarizeCorpus } from './helpers.ts';

describe('POP3 (RFC 1939)', () => {
  it('shows commands and masks secrets', () => {
    assert.equal(summarizeCorpus(P.pop3Stat).text, 'POP3 STAT');
    assert.equal(summarizeCorpus(P.pop3Retr).text, 'POP3 RETR 5');
    assert.equal(summarizeCorpus(P.pop3Pass).text, 'POP3 PASS ****');
    assert.equal(summarizeCorpus(P.pop3SaslResponse).text, 'POP3 AUTH response ****');
    assert.equal(
      summarize(ascii('APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n'), client(110))?.text,
      'POP3 APOP mrose ****',
    );
    assert.equal(
      summarize(ascii('AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n'), client(110))?.text,
      'POP3 AUTH PLAIN ****',
    );
  });

  it('reads +OK, -ERR (an error) and SASL challenges', () => {
    assert.deepEqual(summarizeCorpus(P.pop3Err), {
      protocol: 'pop3',
      direction: 'response',
      text: 'POP3 -ERR the password incorrect',
      error: true,
      operation: '-ERR',
    });
    assert.equal(summarizeCorpus(P.pop3SaslChallenge).operation, '+');
    const ok = summarize(ascii('+OK 120 octets\r\nReceived: by x\r\n'), server(110));
    assert.equal(ok?.text, 'POP3 +OK 120 octets');
    assert.equal(ok?.error, false);
  });

  it('is recognised on another port only by a greeting that names it or by the connection', () => {
    // Redis answers "+OK" too (zeek/redis/almost-resp.pcap frame 9): a bare status is not POP3.
    assert.equal(summarize(ascii('+OK\r\n'), server(6379)), null);
    assert.equal(summarize(ascii('-ERR [AUTH] Authentication failed.\r\n'), server(1110)), null);
    assert.equal(
      summarize(ascii('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n'), server(1110))?.protocol,
      'pop3',
    );
    const onPop3 = { ...server(1110), connectionProtocol: 'pop3' as const };
    assert.equal(summarize(ascii('-ERR [AUTH] Authentication failed.\r\n'), onPop3)?.error, true);
    assert.equal(summarize(ascii('+OKAY\r\n'), onPop3), null);
  });
});
