/**
 * A progress line on stderr for long reads: bytes and percent, rate, ETA.
 *
 *   const progress = new ProgressLine(paths, { quiet: opts.quiet });
 *   await readPackets(paths, { onTcp, onProgress: progress.onProgress });
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
    }
    if (now - this.lastDraw < this.interval) return;
    this.lastDraw = now;
    this.stream.write(CLEAR + this.line(capture, bytesRead, totalBytes, now));
    this.drawn = true;
  };

  /** The text of the line (without the CR/erase prefix). */
  line(capture: number, bytesRead: number, totalBytes: number | null, now = this.now()): string {
    const name = sanitizeForTerminal(this.paths[capture] ?? `capture ${capture}`);
    const which = this.paths.length > 1 ? ` (${capture + 1}/${this.paths.length})` : '';
    const elapsed = Math.max(0.001, (now - this.captureStart) / 1000);
    const rate = bytesRead / elapsed;
    let text = `reading ${name}${which}: ${formatBytes(bytesRead)}`;
    if (totalBytes !== null && totalBytes > 0) {
      const pct = Math.min(100, Math.floor((100 * bytesRead) / totalBytes));
      text += ` of ${formatBytes(totalBytes)} (${pct}%)`;
    }
    text += `, ${formatBytes(Math.round(rate))}/s`;
    if (totalBytes !== null && totalBytes > bytesRead && rate > 0)
      text += `, ETA ${formatEta((totalBytes - bytesRead) / rate)}`;
    const width = (this.stream.columns ?? 80) - 1;
    return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  }

  /** Clears the line (if one was drawn) so the next output starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write(CLEAR);
    this.drawn = false;
  }
}
