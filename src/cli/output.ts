import { writeSync } from 'node:fs';

/**
 * Buffered output to a file descriptor (stdout by default). Writing line by line through
 * process.stdout costs more than decoding the packets; this collects ~64 KiB and writes it
 * synchronously, which also keeps ordering with stderr messages simple. A closed pipe
 * (`rstscope packets x.pcap | head`) ends the program quietly, as Unix tools do.
 *
 * The buffer suits files, which are read as fast as the disk goes. Live input (`tcpdump -w - |
 * rstscope packets -`) arrives slowly: the reader says when it waits for more (readCapture's
 * onWait) and the command flushes then, so packets show as they arrive; `flushOnSignals` writes
 * what is buffered when the user presses Ctrl-C.
 */
export class Output {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  closed = false;

  constructor(fd = 1) {
    this.fd = fd;
  }

  line(text: string): void {
    if (this.closed) return;
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 65536) this.flush();
  }

  /** Text as it is (no newline added). */
  write(text: string): void {
    if (this.closed) return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 65536) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0 || this.closed) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') {
          this.closed = true;
          return;
        }
        throw err;
      }
    }
  }
}

/** Signal numbers for the conventional exit status 128 + n (POSIX shells report it so). */
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

export interface SignalFlush {
  /** 128 + the signal number once SIGINT or SIGTERM arrived, else null. */
  readonly status: number | null;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * While installed, SIGINT (Ctrl-C) and SIGTERM flush `out` (after `before`, e.g. clearing a
 * progress line) and end the process with status 128 + the signal number, instead of dying with
 * the output still in the buffer.
 *
 * With `drainMs`, the first signal lets reading go on that long first: in `tcpdump -w - |
 * rstscope packets -` Ctrl-C reaches both, and tcpdump writes its last buffered packets as it
 * exits; they are read and printed before the end (the caller returns `status` when the input
 * ends within the delay). A second signal ends at once.
 */
export function flushOnSignals(
  out: Output,
  options: { before?: () => void; drainMs?: number } = {},
): SignalFlush {
  const state = { status: null as number | null };
  const finish = (status: number): never => {
    options.before?.();
    out.flush();
    process.exit(status);
  };
  const handlers = Object.entries(SIGNAL_NUMBERS).map(([name, number]) => {
    const handler = () => {
      const status = 128 + number;
      if (state.status !== null || options.drainMs === undefined) finish(status);
      state.status = status;
      options.before?.();
      out.flush();
      setTimeout(() => finish(status), options.drainMs).unref();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    get status() {
      return state.status;
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
