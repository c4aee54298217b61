/**
 * NetBIOS session service, SMB1 and SMB2/3 summaries. Expected values were checked against
 * tshark 4.0's dissection of the same frames (smb2.cmd, smb2.nt_status, smb2.flags.response,
 * smb.cmd, smb.error_class/error_code, nbss.type).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as P from './corpus-payloads.ts';
import { client, hexBytes, server, summarize, summarizeCorpus } from './helpers.ts';

describe('NetBIOS session service (RFC 1002 §4.3)', () => {
  it('decodes the called and calling names of a session request', () => {
    const s = summarizeCorpus(P.nbssSessionRequest);
    assert.equal(s.protocol, 'netbios');
    assert.equal(s.text, 'NetBIOS session request to SCV<20> from DESKTOP-V1FA0UQ<00>');
    assert.equal(s.operation, 'SESSION_REQUEST');
  });

  it('reads positive and negative session responses; a negative one is an error with its code', () => {
    assert.equal(summarizeCorpus(P.nbssPositiveResponse).text, 'NetBIOS positive session response');
    const neg = summarize(hexBytes('8300000182'), server(139));
    assert.deepEqual(neg, {
      protocol: 'netbios',
      direction: 'response',
      text: 'NetBIOS negative session response: called name not present (0x82)',
      error: true,
      status: 0x82,
      operation: 'NEGATIVE_RESPONSE',
    });
  });

  it('reads keep-alives only on the SMB ports, and skips one that precedes a message', () => {
    assert.equal(summarize(hexBytes('85000000'), client(445))?.text, 'NetBIOS keep-alive');
    assert.equal(summarize(hexBytes('85000000'), client(8080)), null);
    const smb2 = hexBytes(P.smb2SessionSetupLogonFailure.hex);
    const both = new Uint8Array([0x85, 0, 0, 0, ...smb2]);
    assert.equal(summarize(both, server(445))?.text, 'SMB2 SESSION_SETUP → STATUS_LOGON_FAILURE');
  });
});

describe('SMB2/3 ([MS-SMB2] §2.2)', () => {
  it('summarises the negotiate exchange with the offered and chosen dialects', () => {
    assert.equal(
      summarizeCorpus(P.smb2NegotiateRequest).text,
      'SMB2 NEGOTIATE dialects 2.0.2,2.1,3.0,3.0.2,3.1.1',
    );
    const resp = summarizeCorpus(P.smb2NegotiateResponse);
    assert.equal(resp.text, 'SMB2 NEGOTIATE → STATUS_SUCCESS dialect 3.1.1');
    assert.equal(resp.direction, 'response');
    assert.equal(resp.status, 0);
    assert.equal(resp.error, false);
    // On 139, after an SMB1 multi-protocol negotiate, the server answers with the wildcard.
    assert.equal(
      summarizeCorpus(P.smb2NegotiateResponseWildcard).text,
      'SMB2 NEGOTIATE → STATUS_SUCCESS dialect 2.???',
    );
  });

  it('follows NTLMSSP through session setup and shows which account failed', () => {
    assert.equal(
      summarizeCorpus(P.smb2SessionSetupNtlmNegotiate).text,
      'SMB2 SESSION_SETUP NTLMSSP_NEGOTIATE',
    );
    const challenge = summarizeCorpus(P.smb2SessionSetupMoreProcessing);
    assert.equal(challenge.text, 'SMB2 SESSION_SETUP → STATUS_MORE_PROCESSING_REQUIRED');
    assert.equal(challenge.status, 0xc0000016);
    assert.equal(challenge.error, false, 'MORE_PROCESSING_REQUIRED is a normal step, not a failure');
    assert.equal(
      summarizeCorpus(P.smb2SessionSetupNtlmAuth).text,
      'SMB2 SESSION_SETUP NTLMSSP_AUTH user=DESKTOP-2AEFM7G\\user',
    );
    assert.deepEqual(summarizeCorpus(P.smb2SessionSetupLogonFailure), {
      protocol: 'smb2',
      direction: 'response',
      text: 'SMB2 SESSION_SETUP → STATUS_LOGON_FAILURE',
      error: true,
      status: 0xc000006d,
      operation: 'SESSION_SETUP',
    });
  });

  it('names the share of a tree connect and the file of a create', () => {
    assert.equal(summarizeCorpus(P.smb2TreeConnect).text, 'SMB2 TREE_CONNECT \\\\172.17.0.189\\share2');
    assert.equal(summarizeCorpus(P.smb2Create).text, 'SMB2 CREATE 14twain_32.enc');
    const nf = summarizeCorpus(P.smb2CreateNameNotFound);
    assert.equal(nf.text, 'SMB2 CREATE → STATUS_OBJECT_NAME_NOT_FOUND');
    assert.equal(nf.error, true);
    const denied = summarizeCorpus(P.smb2SessionSetupAccessDenied);
    assert.equal(denied.text, 'SMB2 SESSION_SETUP → STATUS_ACCESS_DENIED');
    assert.equal(denied.status, 0xc0000022);
  });

  it('summarises a compounded request by its first message and counts the rest', () => {
    // tshark: "Create Request File: ;GetInfo Request FS_INFO/FileFsSizeInformation;Close Request"
    const s = summarizeCorpus(P.smb2CompoundCreate);
    assert.equal(s.text, 'SMB2 CREATE +2 more');
    assert.equal(s.operation, 'CREATE');
  });

  it('treats an interim STATUS_PENDING as not an error', () => {
    const s = summarizeCorpus(P.smb2ReadPending);
    assert.equal(s.text, 'SMB2 READ → STATUS_PENDING');
    assert.equal(s.status, 0x103);
    assert.equal(s.error, false);
  });

  it('takes request vs response from the header flag, not from the TCP direction', () => {
    const p = P.smb2SessionSetupLogonFailure;
    const s = summarize(hexBytes(p.hex), { serverPort: 445, fromClient: true });
    assert.equal(s?.direction, 'response');
  });

  it('names all 19 commands and prints unknown statuses in hex', () => {
    const names = [
      'NEGOTIATE',
      'SESSION_SETUP',
      'LOGOFF',
      'TREE_CONNECT',
      'TREE_DISCONNECT',
      'CREATE',
      'CLOSE',
      'FLUSH',
      'READ',
      'WRITE',
      'LOCK',
      'IOCTL',
      'CANCEL',
      'ECHO',
      'QUERY_DIRECTORY',
      'CHANGE_NOTIFY',
      'QUERY_INFO',
      'SET_INFO',
      'OPLOCK_BREAK',
    ];
    for (let cmd = 0; cmd < names.length; cmd++) {
      const s = summarize(smb2Message(cmd, 0xc0001234, true), server(445));
      assert.equal(s?.operation, names[cmd]);
      assert.equal(s?.text, `SMB2 ${names[cmd]} → 0xc0001234`);
      assert.equal(s?.error, true);
    }
    assert.equal(summarize(smb2Message(0x55, 0, false), client(445))?.text, 'SMB2 0x0055');
  });

  it('names the common NT statuses and classifies them by severity', () => {
    const cases: [number, string, boolean][] = [
      [0xc000005e, 'STATUS_NO_LOGON_SERVERS', true],
      [0xc00000cc, 'STATUS_BAD_NETWORK_NAME', true],
      [0xc00000bb, 'STATUS_NOT_SUPPORTED', true],
      [0xc000000d, 'STATUS_INVALID_PARAMETER', true],
      [0xc0000203, 'STATUS_USER_SESSION_DELETED', true],
      [0xc000035c, 'STATUS_NETWORK_SESSION_EXPIRED', true],
      [0xc000009a, 'STATUS_INSUFFICIENT_RESOURCES', true],
      [0xc0000011, 'STATUS_END_OF_FILE', true],
      [0xc0000120, 'STATUS_CANCELLED', true],
      [0xc0000128, 'STATUS_FILE_CLOSED', true],
      [0xc00000c9, 'STATUS_NETWORK_NAME_DELETED', true],
      [0xc0000072, 'STATUS_ACCOUNT_DISABLED', true],
      [0xc0000071, 'STATUS_PASSWORD_EXPIRED', true],
      [0x80000006, 'STATUS_NO_MORE_FILES', false],
      [0x80000005, 'STATUS_BUFFER_OVERFLOW', false],
      [0x0000010c, 'STATUS_NOTIFY_ENUM_DIR', false],
    ];
    for (const [status, name, error] of cases) {
      const s = summarize(smb2Message(16, status, true), server(445));
      assert.equal(s?.text, `SMB2 QUERY_INFO → ${name}`);
      assert.equal(s?.error, error, name);
      assert.equal(s?.status, status);
    }
  });

  it('recognises encrypted and compressed SMB3 messages', () => {
    const transform = new Uint8Array(4 + 52 + 16);
    transform.set([0x00, 0x00, 0x00, 68, 0xfd, 0x53, 0x4d, 0x42]);
    assert.deepEqual(summarize(transform, client(445)), {
      protocol: 'smb2',
      direction: 'request',
      text: 'SMB3 encrypted message',
      error: false,
      operation: 'ENCRYPTED',
    });
    // Unchained compression transform whose uncompressed prefix is the SMB2 header (§2.2.42.1).
    const inner = smb2Message(8, 0, true).subarray(4);
    const compressed = new Uint8Array(4 + 16 + inner.length);
    compressed.set([0x00, 0x00, 0x00, 16 + inner.length, 0xfc, 0x53, 0x4d, 0x42]);
    compressed.set([0x00, 0x10, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, inner.length, 0, 0, 0], 8);
    compressed.set(inner, 20);
    assert.equal(summarize(compressed, server(445))?.text, 'SMB2 READ → STATUS_SUCCESS (compressed)');
  });

  it('is found by content on any port', () => {
    const p = P.smb2SessionSetupLogonFailure;
    assert.equal(
      summarize(hexBytes(p.hex), server(12345))?.text,
      'SMB2 SESSION_SETUP → STATUS_LOGON_FAILURE',
    );
  });
});

describe('SMB1 ([MS-CIFS] §2.2)', () => {
  it('lists the newest dialects of a multi-protocol negotiate (does the client offer SMB2?)', () => {
    const s = summarizeCorpus(P.smb1NegotiateOffersSmb2);
    assert.equal(s.protocol, 'smb1');
    assert.match(s.text, /^SMB1 NEGOTIATE dialects …, .*NT LM 0\.12, SMB 2\.002, SMB 2\.\?\?\?$/);
  });

  it('names the share of a tree connect and the pipe of a transaction', () => {
    assert.equal(summarizeCorpus(P.smb1TreeConnect).text, 'SMB1 TREE_CONNECT_ANDX \\\\SCV\\IPC$');
    assert.equal(summarizeCorpus(P.smb1TransactionLanman).text, 'SMB1 TRANSACTION \\PIPE\\LANMAN');
  });

  it('reads NT statuses and DOS error classes', () => {
    const more = summarizeCorpus(P.smb1SessionSetupMoreProcessing);
    assert.equal(more.text, 'SMB1 SESSION_SETUP_ANDX → STATUS_MORE_PROCESSING_REQUIRED');
    assert.equal(more.error, false);
    // tshark: "NT Create AndX Response, Error: TID invalid" (class 0x02, code 0x0005)
    const dos = summarizeCorpus(P.smb1DosErrorInvalidTid);
    assert.equal(dos.text, 'SMB1 NT_CREATE_ANDX → ERRSRV/ERRinvtid');
    assert.equal(dos.error, true);
    assert.equal(dos.status, undefined);
  });
});

/** A minimal SMB2 message in direct-hosting framing: header only, given command and status. */
function smb2Message(command: number, status: number, response: boolean): Uint8Array {
  const m = new Uint8Array(4 + 64 + 8);
  const v = new DataView(m.buffer);
  v.setUint32(0, m.length - 4); // type 0, 24-bit length
  m.set([0xfe, 0x53, 0x4d, 0x42], 4);
  v.setUint16(8, 64, true);
  v.setUint32(12, status, true);
  v.setUint16(16, command, true);
  v.setUint32(20, response ? 1 : 0, true);
  return m;
}
