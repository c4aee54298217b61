import type { Connection } from '../tcp/connection.ts';
import type { ConnectionExtension } from '../tcp/tracker.ts';
import { Tracker } from '../tcp/tracker.ts';

/** Connection ids of the vantage points read together from one file are this far apart. */
const ID_STRIDE = 2 ** 32;

/**
 * One connection tracker per capture, numbered as `explain` and `export` must both number them:
 * ids follow creation order across captures (export finds a finding's connections by replaying
 * the same numbering). The vantage points of one pcapng file are read at once, so each gets its
 * own range of ids.
 */
export class CaptureTrackers {
  private readonly trackers = new Map<number, Tracker>();
  private nextId = 1;
  private file = -1;
  private fileBase = 1;
  private inFile = 0;
  private readonly ended: ((c: Connection) => void) | undefined;
  private readonly extension: ConnectionExtension | undefined;

  constructor(ended?: (c: Connection) => void, extension?: ConnectionExtension) {
    this.ended = ended;
    this.extension = extension;
  }

  start(capture: number, file: number): Tracker {
    if (file !== this.file) {
      this.file = file;
      this.fileBase = this.nextId;
      this.inFile = 0;
    }
    const firstId = this.fileBase + this.inFile++ * ID_STRIDE;
    const listener = this.ended === undefined ? {} : { ended: this.ended };
    // Listeners read an ended connection in `ended` and keep() the ones they hold on to.
    const t = new Tracker(
      capture,
      listener,
      this.extension === undefined ? { recycle: true } : { extension: this.extension, recycle: true },
      firstId,
    );
    this.trackers.set(capture, t);
    return t;
  }

  get(capture: number): Tracker {
    return this.trackers.get(capture)!;
  }

  /** The capture was read completely: its connections end. */
  end(capture: number): Tracker {
    const t = this.trackers.get(capture)!;
    t.finish();
    this.nextId = Math.max(this.nextId, t.nextConnectionId);
    this.trackers.delete(capture);
    return t;
  }
}
