/** FTP summaries; expected values checked against tshark 4.0 (ftp.request.command, ftp.response.code). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { ascii, client, server, summarize, summarizeCorpus } from './helpers.ts';

describe('FTP (RFC 959)', () => {
  it('shows commands and masks the password', () => {
    assert.equal(summarizeCorpus(P.ftpUser).text, 'FTP USER anonymous');
    const pass = summarizeCorpus(P.ftpPass);
    assert.equal(pass.text, 'FTP PASS ****');
    assert.equal(pass.operation, 'PASS');
    assert.deepEqual(summarizeCorpus(P.ftpRetr), {
      protocol: 'ftp',
      direction: 'request',
      text: 'FTP RETR temp.txt',
      error: false,
      operation: 'RETR',
    });
    assert.equal(summarize(ascii('PASS correct horse battery\r\n'), client(21))?.text, 'FTP PASS ****');
  });

  it('shows replies; 4xx and 5xx are errors; multi-line replies by their first line', () => {
    assert.deepEqual(summarizeCorpus(P.ftp530), {
      protocol: 'ftp',
      direction: 'response',
      text: 'FTP 530 Sorry, only 3 connections per host!',
      error: true,
      status: 530,
    });
    const welcome = summarizeCorpus(P.ftp220Multiline);
    assert.equal(welcome.text, 'FTP 220 Welcome to the BELNET public FTP cluster server ftp.belnet.be !');
    assert.equal(welcome.error, false);
    const multi = summarize(ascii('211-Features:\r\n EPRT\r\n 211 not the end\r\n211 End\r\n'), server(21));
    assert.equal(multi?.text, 'FTP 211 Features:');
  });

  it('is recognised elsewhere by FTP-only verbs, not by verbs shared with POP3', () => {
    assert.equal(summarize(ascii('PASV\r\n'), client(2121))?.protocol, 'ftp');
    assert.equal(summarize(ascii('USER bob\r\n'), client(2121)), null);
  });
});
