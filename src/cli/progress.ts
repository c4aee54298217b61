/**
 * A progress line on stderr for long runs: while reading, bytes and percent, rate, ETA; then the
 * phase that follows the read ("explaining 62,500 connections…"), which can take as long as the
 * read itself on a capture with many resets.
 *
 *   const progress = new ProgressLine(paths, { quiet: opts.quiet });
 *   await readPackets(paths, { onTcp, onProgress: progress.onProgress });
 *   progress.explaining(connectionCount); // before the (synchronous) explain step
 *   progress.done();
 *
 * Only on a terminal (stderr is a TTY) and not with --quiet: a line of carriage returns in a log
 * file or a CI transcript is noise, and stdout is never touched, so `--json | jq` stays clean.
 * Redrawn at most five times a second (a terminal redraw per chunk would cost more than the
 * reading), cleared at the end so the report starts on a clean line. The line is redrawn with
 * CR + "erase in line" (ECMA-48 EL, CSI 2 K) and cut to the terminal width so it never wraps.
 */
import { sanitizeForTerminal } from '../report/terminal-safe.ts';

export interface ProgressOptions {
  quiet?: boolean;
  /** Where to draw (default process.stderr). */
  stream?: ProgressStream;
  /** Milliseconds between redraws (default 200: at most ~5 per second). */
  interval?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** The part of a tty.WriteStream the line needs. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

const CLEAR = '\r\x1b[2K';

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ProgressLine {
  readonly enabled: boolean;
  private readonly stream: ProgressStream;
  private readonly paths: readonly string[];
  private readonly interval: number;
  private readonly now: () => number;
  private lastDraw: number;
  private drawn = false;
  private capture = -1;
  private captureStart = 0;
  /** Bytes at the last call, and when that count last grew (for the rate). */
  private lastBytes = -1;
  private lastAdvance = 0;

  constructor(paths: readonly string[], options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.paths = paths;
    this.interval = options.interval ?? 200;
    this.now = options.now ?? Date.now;
    this.enabled = this.stream.isTTY === true && !options.quiet;
    // The first draw waits one interval too: a read that ends quickly shows nothing at all.
    this.lastDraw = this.now();
  }

  /** The readPackets hook: `{ onProgress: progress.onProgress }`. */
  readonly onProgress = (capture: number, bytesRead: number, totalBytes: number | null): void => {
    if (!this.enabled) return;
    const now = this.now();
    if (capture !== this.capture) {
      this.capture = capture;
      this.captureStart = now;
      this.lastBytes = -1;
    }
    if (bytesRead !== this.lastBytes) {
      this.lastBytes = bytesRead;
      this.lastAdvance = now;
    }
    if (now - this.lastDraw < this.interval) return;
    this.lastDraw = now;
    this.draw(this.line(capture, bytesRead, totalBytes, now));
  };

  /**
   * The step after the read: named at once (no throttle), since the explain step runs
   * synchronously and nothing can redraw the line until it ends. Usable as a callback.
   */
  readonly explaining = (connections: number): void => {
    if (!this.enabled) return;
    const what = connections === 1 ? '1 connection' : `${connections.toLocaleString('en-US')} connections`;
    this.draw(this.fit(`explaining ${what}…`));
  };

  /** The text of the line (without the CR/erase prefix). */
  line(capture: number, bytesRead: number, totalBytes: number | null, now = this.now()): string {
    const name = sanitizeForTerminal(this.paths[capture] ?? `capture ${capture}`);
    const which = this.paths.length > 1 ? ` (${capture + 1}/${this.paths.length})` : '';
    // The rate up to the last time the count grew: when the reader is still busy with bytes it
    // has already counted (the end of a file, a decompressor's read-ahead), the rate does not
    // fall while the count stands still; and no rate at all before the count has moved.
    const until = bytesRead === this.lastBytes ? Math.min(now, this.lastAdvance) : now;
    const elapsed = (until - this.captureStart) / 1000;
    const rate = elapsed >= 0.05 ? bytesRead / elapsed : 0;
    let text = `reading ${name}${which}: ${formatBytes(bytesRead)}`;
    if (totalBytes !== null && totalBytes > 0) {
      const pct = Math.min(100, Math.floor((100 * bytesRead) / totalBytes));
      text += ` of ${formatBytes(totalBytes)} (${pct}%)`;
    }
    if (rate > 0) text += `, ${formatBytes(Math.round(rate))}/s`;
    if (totalBytes !== null && totalBytes > bytesRead && rate > 0)
      text += `, ETA ${formatEta((totalBytes - bytesRead) / rate)}`;
    return this.fit(text);
  }

  /**
   * Cut to the terminal width, one column spare so the cursor never wraps. A terminal that
   * reports no size (0 columns, as `script` without a size gives) counts as 80 wide: cutting to
   * nothing would leave a bare "…".
   */
  private fit(text: string): string {
    const columns = this.stream.columns;
    const width = (columns !== undefined && columns > 0 ? columns : 80) - 1;
    return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  }

  private draw(text: string): void {
    this.stream.write(CLEAR + text);
    this.drawn = true;
  }

  /** Clears the line (if one was drawn) so the next output starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write(CLEAR);
    this.drawn = false;
  }
}
