/**
 * Runs one command as a child process and measures its wall time and peak RSS.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`: ru_maxrss of the child, KiB) so that
 * tcpdump, tshark and the Node stages are measured the same way. Without GNU time it is left
 * undefined and the caller may use what the child reports itself.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface Measurement {
  /** Wall-clock seconds from spawn to exit, as the parent saw it. */
  seconds: number;
  /** Peak resident set size of the child in KiB, when GNU time is available. */
  maxRssKiB: number | undefined;
  exitCode: number;
  /** The child's stdout, unless it was sent to /dev/null. */
  stdout: string;
  stderr: string;
}

export const hasGnuTime = existsSync(GNU_TIME);

export async function measure(command: string, args: string[], discardStdout: boolean): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'rstscope-bench-'));
  const timeFile = join(dir, 'time');
  const argv = hasGnuTime ? ['-f', '%M', '-o', timeFile, command, ...args] : args;
  const devNull = discardStdout ? openSync('/dev/null', 'w') : undefined;
  try {
    const start = performance.now();
    const child = spawn(hasGnuTime ? GNU_TIME : command, argv, {
      stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
    const seconds = (performance.now() - start) / 1000;
    let maxRssKiB: number | undefined;
    if (hasGnuTime && existsSync(timeFile)) {
      // The file ends with %M; earlier lines may say "Command exited with non-zero status".
      const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
      const value = Number(lines[lines.length - 1]);
      if (Number.isFinite(value)) maxRssKiB = value;
    }
    return { seconds, maxRssKiB, exitCode, stdout, stderr };
  } finally {
    if (devNull !== undefined) closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
}
