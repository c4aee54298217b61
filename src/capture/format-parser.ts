/**
 * What the reader loop needs from a file-format parser (pcap, pcapng). The reader owns one big
 * buffer; the parser consumes whole records from a window of it and says how many bytes it needs
 * to make progress, so records straddling chunk boundaries are handled by the reader (move the
 * tail to the front, read more) without the parser keeping any partial state.
 */
export interface FormatParser {
  readonly format: 'pcap' | 'pcapng';
  /**
   * Bytes needed, counted from the position `feed` returned, before `feed` can make progress.
   * Never more than MAX_RECORD_BYTES + a header: a larger claimed length is reported as corrupt.
   */
  readonly need: number;
  /** A fatal problem was met: reading must stop (everything before it was delivered). */
  readonly stopped: boolean;
  /** Digits after the second of the finest timestamp unit met (6 for µs, 9 for ns). */
  readonly tsPrecision: number;
  /**
   * Length of the whole stream when known (an uncompressed file), else -1. With it a length
   * field that runs past the end of the file is known to be corrupt while still far from it.
   */
  streamSize: number;
  /** Stream offset just after the last well-formed record or block: how far the file was read. */
  readonly consumed: number;
  /**
   * Parses complete records in buf[pos, end) and returns the position after the last one.
   * `base` is the stream offset of buf[0], used for record offsets and messages.
   */
  feed(buf: Buffer, pos: number, end: number, base: number): number;
  /** End of input with buf[pos, end) left over: reports a truncated record when end > pos. */
  finish(buf: Buffer, pos: number, end: number, base: number): void;
}

/**
 * Largest record or block accepted. Real frames are at most 256 KiB (libpcap's and Wireshark's
 * maximum snapshot length for Ethernet-like links); a few link types (D-Bus, USB) go to some MiB.
 * Beyond this a length field is taken as corrupt, so a hostile file cannot make the reader
 * allocate gigabytes.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** libpcap's MAXIMUM_SNAPLEN and Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD. */
export const STANDARD_MAX_SNAPLEN = 262144;
