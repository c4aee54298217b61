/** IMAP summaries; expected values checked against tshark 4.0 (imap.request.command, imap.response.status). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { ascii, client, server, summarize, summarizeCorpus } from './helpers.ts';

describe('IMAP commands (RFC 9051 §6)', () => {
  it('shows tag, command and arguments', () => {
    assert.equal(summarizeCorpus(P.imapCapability).text, 'IMAP . CAPABILITY');
    assert.equal(summarizeCorpus(P.imapStarttls).operation, 'STARTTLS');
    assert.deepEqual(summarizeCorpus(P.imapSelect), {
      protocol: 'imap',
      direction: 'request',
      text: 'IMAP a1 SELECT "INBOX"',
      error: false,
      operation: 'SELECT',
    });
    assert.equal(summarize(ascii('a7 UID FETCH 1:* (FLAGS)\r\n'), client(143))?.operation, 'UID FETCH');
    assert.equal(summarize(ascii('DONE\r\n'), client(143))?.text, 'IMAP DONE');
  });

  it('masks the LOGIN password whatever form the user id takes, and SASL responses', () => {
    assert.equal(
      summarize(ascii('a1 LOGIN alice s3cret\r\n'), client(143))?.text,
      'IMAP a1 LOGIN alice ****',
    );
    assert.equal(
      summarize(ascii('a1 LOGIN "alice \\"A\\" smith" "pa ss"\r\n'), client(143))?.text,
      'IMAP a1 LOGIN "alice \\"A\\" smith" ****',
    );
    assert.equal(summarize(ascii('a1 LOGIN {5}\r\n'), client(143))?.text, 'IMAP a1 LOGIN ****');
    assert.equal(
      summarize(ascii('a2 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==\r\n'), client(143))?.text,
      'IMAP a2 AUTHENTICATE PLAIN ****',
    );
    assert.equal(summarize(ascii('AGFsaWNlAHMzY3JldA==\r\n'), client(143))?.operation, 'AUTH-DATA');
  });
});

describe('IMAP responses (RFC 9051 §7)', () => {
  it('reads untagged greetings and tagged completions', () => {
    const greeting = summarizeCorpus(P.imapGreeting);
    assert.equal(greeting.operation, 'OK');
    assert.match(greeting.text, /^IMAP \* OK \[CAPABILITY IMAP4rev1 .*…$/);
    assert.equal(greeting.text.length, 160);
    // "* CAPABILITY …" then ". OK CAPABILITY completed": the completion is summarised.
    assert.equal(summarizeCorpus(P.imapCapabilityDone).text, 'IMAP . OK CAPABILITY completed');
    assert.equal(summarizeCorpus(P.imapSelectDone).text, 'IMAP a1 OK SELECT completed');
  });

  it('marks NO and BAD as errors', () => {
    const no = summarize(
      ascii('a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n'),
      server(143),
    );
    assert.deepEqual(no, {
      protocol: 'imap',
      direction: 'response',
      text: 'IMAP a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
      error: true,
      operation: 'NO',
    });
    const bad = summarize(ascii('* 3 EXISTS\r\nx BAD Command unknown\r\n'), server(143));
    assert.equal(bad?.text, 'IMAP x BAD Command unknown');
    assert.equal(bad?.error, true);
  });

  it("is recognised elsewhere by its greeting or a tagged command, not by another protocol's verb", () => {
    assert.equal(summarize(ascii('* OK Dovecot ready.\r\n'), server(10143))?.protocol, 'imap');
    assert.equal(summarize(ascii('A001 LOGIN bob pw\r\n'), client(10143))?.text, 'IMAP A001 LOGIN bob ****');
    assert.equal(
      summarize(ascii('AUTH LOGIN\r\n'), client(1080)),
      null,
      'SMTP AUTH through a proxy is not IMAP',
    );
  });
});
