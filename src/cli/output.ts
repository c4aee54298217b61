import { writeSync } from 'node:fs';

/**
 * Buffered output to a file descriptor (stdout by default). Writing line by line through
 * process.stdout costs more than decoding the packets; this collects ~64 KiB and writes it
 * synchronously, which also keeps ordering with stderr messages simple. A closed pipe
 * (`rstscope packets x.pcap | head`) ends the program quietly, as Unix tools do.
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
