/** SMTP summaries; expected values checked against tshark 4.0 (smtp.req.command, smtp.response.code). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { ascii, client, server, summarize, summarizeCorpus } from './helpers.ts';

describe('SMTP commands (RFC 5321 §4.1)', () => {
  it('shows the command line and its verb', () => {
    assert.equal(summarizeCorpus(P.smtpEhlo).text, 'SMTP EHLO xxxxxxxx.xxx.aol.com');
    const mail = summarizeCorpus(P.smtpMailFrom);
    assert.equal(mail.text, 'SMTP MAIL FROM: <1234567899@aol.com>');
    assert.equal(mail.operation, 'MAIL');
    assert.equal(summarizeCorpus(P.smtpData).operation, 'DATA');
  });

  it('counts pipelined commands (RFC 2920)', () => {
    // MAIL FROM, RCPT TO, DATA in one segment
    assert.equal(
      summarizeCorpus(P.smtpPipelinedCommands).text,
      'SMTP MAIL FROM: <unusualz@prg-dc.dhl.com> +2 more',
    );
  });

  it('masks SASL credentials: the AUTH initial response and a bare base64 response line', () => {
    assert.equal(summarizeCorpus(P.smtpAuthPlain).text, 'SMTP AUTH PLAIN');
    const response = summarizeCorpus(P.smtpAuthResponse);
    assert.equal(response.text, 'SMTP AUTH response ****');
    assert.equal(response.operation, 'AUTH-DATA');
    const ir = summarize(ascii('AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n'), client(587));
    assert.equal(ir?.text, 'SMTP AUTH PLAIN ****');
    assert.ok(!ir?.text.includes('AGFsaWNl'));
    assert.equal(summarize(ascii('AUTH LOGIN YWxpY2U=\r\n'), client(25))?.text, 'SMTP AUTH LOGIN ****');
  });

  it('recognises the end of a DATA body', () => {
    const s = summarizeCorpus(P.smtpEndOfData);
    assert.deepEqual(s, {
      protocol: 'smtp',
      direction: 'request',
      text: 'SMTP end-of-DATA (1293 bytes)',
      error: false,
      operation: 'DATA-END',
    });
    // The marker alone in its own segment, and with QUIT pipelined after it.
    assert.equal(summarize(ascii('.\r\n'), client(25))?.operation, 'DATA-END');
    assert.equal(
      summarize(ascii('bye\r\n.\r\nQUIT\r\n'), client(25))?.text,
      'SMTP end-of-DATA (14 bytes) +1 more',
    );
    // A body whose first line happens to start with a verb is still a body.
    assert.equal(
      summarize(ascii('Data follows below\r\nSubject: x\r\n\r\nhi\r\n.\r\n'), client(25))?.operation,
      'DATA-END',
    );
  });

  it('calls other client payloads on an SMTP port message data', () => {
    const s = summarizeCorpus(P.smtpBodyMiddle);
    assert.equal(s.text, 'SMTP message data (315 bytes)');
    assert.equal(s.operation, 'DATA-BODY');
  });
});

describe('SMTP replies (RFC 5321 §4.2)', () => {
  it('shows the code and text; 4xx and 5xx are errors', () => {
    assert.deepEqual(summarizeCorpus(P.smtp521), {
      protocol: 'smtp',
      direction: 'response',
      text: 'SMTP 521 5.2.1 MUST COMPLETE IMAGE PUZZLE BEFORE SENDING. PLEASE GOTO http://challenge.aol.com/spam.html',
      error: true,
      status: 521,
    });
    const go = summarizeCorpus(P.smtp354);
    assert.equal(go.text, 'SMTP 354 End data with <CR><LF>.<CR><LF>');
    assert.equal(go.error, false);
    assert.equal(summarizeCorpus(P.smtp472).error, true);
  });

  it('takes the first line of a multi-line reply', () => {
    assert.equal(summarizeCorpus(P.smtpEhlo250Multiline).text, 'SMTP 250 mtaout-db02.r1000.mx.aol.com');
  });

  it('counts pipelined replies and prefers the first failing one', () => {
    assert.equal(summarizeCorpus(P.smtpPipelinedReplies).text, 'SMTP 250 2.1.0 Sender OK +1 more');
    const s = summarize(
      ascii('250 2.1.0 Ok\r\n550 5.1.1 <x@y>: Recipient address rejected\r\n354 go\r\n'),
      server(25),
    );
    assert.equal(s?.text, 'SMTP 550 5.1.1 <x@y>: Recipient address rejected +2 more');
    assert.equal(s?.status, 550);
    assert.equal(s?.error, true);
  });

  it('is recognised on another port when the greeting names SMTP', () => {
    assert.equal(summarize(ascii('220 mx.example.org ESMTP Postfix\r\n'), server(10025))?.protocol, 'smtp');
    assert.equal(summarize(ascii('220 ready\r\n'), server(10025)), null);
    assert.equal(summarize(ascii('EHLO client.example\r\n'), client(10025))?.protocol, 'smtp');
  });
});
