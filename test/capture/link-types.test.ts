import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { LinkType, linkTypeName, pcapFcsLengthOf, pcapLinkTypeOf } from '../../src/capture/index.ts';
import { makeTempDir, PcapWriter, removeTempDir, writeTemp } from '../helpers/capture-writer.ts';

const dir = makeTempDir();
after(() => removeTempDir(dir));

function hasTcpdump(): boolean {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('link types', () => {
  test('short names for messages', () => {
    assert.equal(linkTypeName(LinkType.ETHERNET), 'Ethernet');
    assert.equal(linkTypeName(LinkType.LINUX_SLL2), 'Linux cooked v2');
    assert.equal(linkTypeName(147), 'link type 147');
  });

  test('link-type word: FCS bits (draft-ietf-opsawg-pcap)', () => {
    assert.equal(pcapLinkTypeOf(0x24000001), 1);
    assert.equal(pcapFcsLengthOf(0x24000001), 4);
    assert.equal(pcapFcsLengthOf(0x20000001), -1); // P bit clear: length unknown
    assert.equal(pcapFcsLengthOf(0x04000001), 0); // P bit set, no FCS
  });

  // libpcap translates LINKTYPE_ values to its DLT names: an independent check of our numbers.
  test('values agree with libpcap (tcpdump -r)', { skip: hasTcpdump() ? false : 'no tcpdump' }, () => {
    const expected: [number, string][] = [
      [LinkType.NULL, 'NULL'],
      [LinkType.ETHERNET, 'EN10MB'],
      [LinkType.PPP, 'PPP'],
      [LinkType.FDDI, 'FDDI'],
      [LinkType.RAW_BSD, 'RAW'],
      [LinkType.PPP_HDLC, 'PPP_SERIAL'],
      [LinkType.PPP_ETHER, 'PPP_ETHER'],
      [LinkType.RAW, 'RAW'],
      [LinkType.C_HDLC, 'C_HDLC'],
      [LinkType.IEEE802_11, 'IEEE802_11'],
      [LinkType.LOOP, 'LOOP'],
      [LinkType.LINUX_SLL, 'LINUX_SLL'],
      [LinkType.PFLOG, 'PFLOG'],
      [LinkType.IEEE802_11_RADIOTAP, 'IEEE802_11_RADIO'],
      [LinkType.PPI, 'PPI'],
      [LinkType.ERF, 'ERF'],
      [LinkType.IPNET, 'IPNET'],
      [LinkType.IPV4, 'IPV4'],
      [LinkType.IPV6, 'IPV6'],
      [LinkType.NFLOG, 'NFLOG'],
      [LinkType.PKTAP, 'PKTAP'],
      [LinkType.LINUX_SLL2, 'LINUX_SLL2'],
    ];
    for (const [value, dlt] of expected) {
      const file = writeTemp(dir, `lt${value}.pcap`, new PcapWriter({ linkType: value }).toBuffer());
      // tcpdump prints "reading from file X, link-type EN10MB (Ethernet), …" on stderr.
      const { stderr } = spawnSync('tcpdump', ['-r', file], { encoding: 'utf8' });
      assert.match(stderr, new RegExp(`link-type ${dlt} `), `LINKTYPE ${value}`);
    }
  });
});
