import assert from 'node:assert/strict';
import type { CaptureRecord } from '../../src/capture/record.ts';
import { decodeFrame } from '../../src/decode/decode-frame.ts';
import { PacketView } from '../../src/decode/packet-view.ts';
import type { Connection } from '../../src/tcp/connection.ts';
import type { TrackerListener, TrackerOptions } from '../../src/tcp/tracker.ts';
import { Tracker } from '../../src/tcp/tracker.ts';
import type { TcpFrameSpec } from './frames.ts';
import { tcpFrame } from './frames.ts';

export const C = '10.0.0.1';
export const S = '10.0.0.2';
export const SECOND = 1_000_000;

/** `snap`: bytes of the frame the capture kept (a snaplen), the rest cut. */
export type Spec = Partial<TcpFrameSpec> & { fromServer?: boolean; snap?: number };

/**
 * Feeds synthetic frames to a tracker one at a time with explicit capture times (µs) and collects
 * the connections that ended. Packets go C:40000 → S:80 unless `fromServer` (or ports given).
 */
export class Driver {
  readonly tracker: Tracker;
  readonly ended: Connection[] = [];
  readonly view = new PacketView();
  frame = 0;
  t = 1_700_000_000 * SECOND;

  constructor(options: TrackerOptions = {}, listener: TrackerListener = {}) {
    this.tracker = new Tracker(
      0,
      {
        ...listener,
        ended: (c) => {
          this.ended.push(c);
          listener.ended?.(c);
        },
      },
      options,
    );
  }

  /** One packet `dt` µs after the previous one. */
  send(spec: Spec, dt = 1000): Connection {
    this.t += dt;
    return this.at(this.t, spec);
  }

  /** One packet at capture time `t` (which may be earlier than the previous packet's). */
  at(t: number, spec: Spec): Connection {
    this.t = t;
    const { fromServer, snap, ...rest } = spec;
    const built = tcpFrame({
      src: fromServer ? S : C,
      dst: fromServer ? C : S,
      sport: fromServer ? 80 : 40000,
      dport: fromServer ? 40000 : 80,
      window: 1000,
      ...rest,
    });
    const whole = Buffer.from(built.bytes);
    const data = snap === undefined ? whole : whole.subarray(0, snap);
    const record: CaptureRecord = {
      capture: 0,
      frame: ++this.frame,
      tsMicros: t,
      tsNanos: 0,
      linkType: built.linkType,
      interfaceId: 0,
      capturedLength: data.length,
      originalLength: whole.length,
      data,
      offset: 0,
      fileOffset: 0,
    };
    decodeFrame(this.view, data, 0, data.length, built.linkType, whole.length);
    assert.equal(this.view.status, 'tcp');
    return this.tracker.packet(record, this.view);
  }

  /** SYN, SYN-ACK, ACK with the given ISNs. */
  handshake(cIsn: number, sIsn: number): Connection {
    this.send({ flags: 'S', seq: cIsn });
    this.send({ fromServer: true, flags: 'SA', seq: sIsn, ack: cIsn + 1 });
    return this.send({ flags: 'A', seq: cIsn + 1, ack: sIsn + 1 });
  }
}
