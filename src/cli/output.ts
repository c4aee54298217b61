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

/**
 * Until the returned function is called, SIGINT (Ctrl-C) and SIGTERM flush `out` (and run
 * `before`, e.g. to clear a progress line) and end the process with status 128 + the signal
 * number, instead of dying with the output still in the buffer.
 */
export function flushOnSignals(out: Output, before?: () => void): () => void {
  const handlers = Object.entries(SIGNAL_NUMBERS).map(([name, number]) => {
    const handler = () => {
      before?.();
      out.flush();
      process.exit(128 + number);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
}
