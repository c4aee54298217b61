import type { CaptureProblem } from './record.ts';

/**
 * Collects what is wrong with one input. A capture is attacker-controlled, so the list is
 * bounded: a file with a million odd records yields a few dozen messages and one line saying how
 * many more there were, never a million objects.
 */
export class ProblemLog {
  readonly problems: CaptureProblem[] = [];
  readonly path: string;
  private readonly limit: number;
  private suppressed = 0;
  private summaryIndex = -1;

  constructor(path: string, limit = 50) {
    this.path = path;
    this.limit = limit;
  }

  /** `message` is completed as "<path>: <message>" so a CLI can print it as is. */
  add(offset: number, message: string, fatal: boolean): void {
    if (!fatal && this.problems.length >= this.limit) {
      this.suppressed++;
      const text = `${this.path}: ${this.suppressed} more problems not listed`;
      if (this.summaryIndex < 0) {
        this.summaryIndex = this.problems.length;
        this.problems.push({ path: this.path, offset, message: text, fatal: false });
      } else {
        this.problems[this.summaryIndex].message = text;
      }
      return;
    }
    this.problems.push({ path: this.path, offset, message: `${this.path}: ${message}`, fatal });
  }

  get fatal(): boolean {
    for (const p of this.problems) if (p.fatal) return true;
    return false;
  }
}

/** "3c 68 74 6d" for the first bytes of a file, for "not a capture" messages. */
export function hexBytes(bytes: Uint8Array, start: number, count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count && start + i < bytes.length; i++) {
    parts.push(bytes[start + i].toString(16).padStart(2, '0'));
  }
  return parts.join(' ');
}
