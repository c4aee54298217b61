/** The capture layer's public surface: bytes in, one CaptureRecord per frame out. */
export type { ByteSource } from './byte-source.ts';
export { type Compression, compressionOf } from './compression.ts';
export { MAX_RECORD_BYTES, STANDARD_MAX_SNAPLEN } from './format-parser.ts';
export {
  type KnownLinkType,
  LinkType,
  linkTypeLabel,
  linkTypeName,
  pcapFcsLengthOf,
  pcapLinkTypeOf,
} from './link-types.ts';
export { PcapMagic, PcapParser } from './pcap.ts';
export {
  type PacketOptions,
  type PcapngInterfaceOptions,
  PcapngWriter,
  type PcapngWriterOptions,
  PcapWriter,
  type PcapWriterOptions,
} from './pcap-writer.ts';
export { BlockType, PcapngParser } from './pcapng.ts';
export {
  CaptureInputError,
  DEFAULT_CHUNK_SIZE,
  type ReadCaptureOptions,
  readCapture,
} from './read-capture.ts';
export type {
  CaptureInterface,
  CaptureProblem,
  CaptureRecord,
  CaptureSummary,
  RecordHandler,
} from './record.ts';
export { TimestampScale, TSRESOL_MICRO, TSRESOL_NANO } from './timestamp.ts';
