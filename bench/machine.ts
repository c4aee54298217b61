/** What the figures were measured on: they mean little without it. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** First line of `tcpdump --version`, or undefined when tcpdump is not installed. */
  tcpdump: string | undefined;
  tshark: string | undefined;
}

function firstLine(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  // tcpdump prints its version on stdout in 4.99, on stderr in older releases.
  const text = `${result.stdout}\n${result.stderr}`.trim();
  return text.split('\n').find((line) => line.trim() !== '');
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tcpdump: firstLine('tcpdump', ['--version']),
    tshark: firstLine('tshark', ['--version']),
  };
}
