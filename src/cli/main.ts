#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';
import { connectionsCommand } from './connections-command.ts';
import { explainCommand } from './explain-command.ts';
import { exportCommand } from './export-command.ts';
import { UsageError } from './packet-filter.ts';
import { packetsCommand } from './packets-command.ts';

/**
 * Exit codes (documented in the README): 0 nothing needing attention, 1 error (bad usage,
 * unreadable input), 2 findings of severity problem or security present (explain).
 */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;

function portList(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('not a port number (0–65535)');
  return [...previous, n];
}

function findingNumber(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('not a finding number');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rstscope')
    .description(
      'Explain every TCP reset in packet captures: who sent it, why, what preceded it, what to check next.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('explain')
    .description(
      'Explain every TCP reset: origin, cause, trace-back and next step; plus failures without resets and patterns',
    )
    .argument('[capture...]', 'pcap or pcapng files (gzip/zstd accepted); - reads standard input')
    .option(
      '--at <role=file>',
      'a capture taken at a known point: client=, server= or middle= (repeatable)',
      collect,
    )
    .option('--json', 'one JSON document {captures, findings} (see README "Output contract")')
    .option('--ndjson', 'one finding per line, streamed as connections end')
    .option('--cause <id>', 'only findings with this cause (repeatable)', collect)
    .option('--host <address>', 'only findings whose connection involves this address (repeatable)', collect)
    .option('--port <port>', 'only findings whose connection uses this port (repeatable)', portList)
    .option('--since <time>', 'only findings at or after this time (2024-05-01T10:00:00Z or epoch seconds)')
    .option('--until <time>', 'only findings at or before this time')
    .option('--html <file>', 'also write a self-contained HTML report (ladder diagrams, timeline, filters)')
    .option('--quiet', 'no progress line on stderr')
    .option('--no-color', 'no colour even on a terminal')
    .addHelpText(
      'after',
      `
Exit codes: 0 nothing needs attention, 1 error, 2 findings of severity problem or security.

Examples:
  rstscope explain capture.pcapng
  rstscope explain client.pcap server.pcap
  rstscope explain --at client=laptop.pcapng --at server=web01.pcap.gz
  rstscope explain capture.pcap --html report.html
  rstscope explain capture.pcap --cause app-timeout --json | jq '.findings[].summary'
  tcpdump -i eth0 -w - 'tcp' | rstscope explain - --ndjson`,
    )
    .action(async (paths: string[], opts) => {
      const color = opts.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.exitCode = await explainCommand(paths, { ...opts, color });
    });

  program
    .command('export')
    .description(
      "Write the packets of one finding's connection(s), from every capture involved, as a new pcap/pcapng",
    )
    .argument('<capture...>', 'the same captures, in the same order, as given to explain')
    .option('--finding <n>', 'finding number as printed by explain (#N)', findingNumber)
    .option('--connection <spec>', 'a connection instead: "10.0.0.1:50000-10.0.0.9:445" (IPv6 in brackets)')
    .requiredOption('-w, --write <file>', 'output file (.pcapng for pcapng)')
    .option('--format <format>', 'pcap or pcapng (default: from the file name, pcapng for several captures)')
    .option('--quiet', 'no summary line on stderr')
    .addHelpText(
      'after',
      `
Examples:
  rstscope export capture.pcap --finding 3 -w finding3.pcap
  rstscope export client.pcap server.pcap --finding 1 -w both-sides.pcapng
  rstscope export capture.pcap --connection "10.0.0.1:50000-10.0.0.9:445" -w conn.pcap`,
    )
    .action(async (paths: string[], opts) => {
      if (opts.finding === undefined && opts.connection === undefined)
        throw new UsageError('export: give --finding N or --connection SPEC');
      if (opts.format !== undefined && opts.format !== 'pcap' && opts.format !== 'pcapng')
        throw new UsageError('--format: pcap or pcapng');
      process.exitCode = await exportCommand(paths, opts);
    });

  program
    .command('packets')
    .description('List TCP packets as an engineer reads them (frame numbers match Wireshark)')
    .argument('<capture...>', 'pcap or pcapng files (gzip/zstd accepted); - reads standard input')
    .option('--json', 'one JSON object per packet per line')
    .option('--resets', 'only packets with the RST flag')
    .option('--quiet', 'no progress line on stderr')
    .option('--host <address>', 'only packets from or to this address (repeatable)', collect)
    .option('--port <port>', 'only packets from or to this port (repeatable)', portList)
    .addHelpText(
      'after',
      `
Examples:
  rstscope packets capture.pcap --resets
  rstscope packets capture.pcapng.gz --host 10.0.0.9 --port 445 --json
  tcpdump -i eth0 -w - | rstscope packets - --resets`,
    )
    .action(async (paths: string[], opts) => {
      process.exitCode = await packetsCommand(paths, opts);
    });

  program
    .command('connections')
    .description("One row per TCP connection with Zeek's conn_state and history, and how it ended")
    .argument('<capture...>', 'pcap or pcapng files (gzip/zstd accepted); - reads standard input')
    .option('--json', 'one JSON object per connection per line')
    .option('--checksums', "verify TCP checksums as Zeek does without -C ('c' in history)")
    .option(
      '--zeek-sessions',
      "one row per Zeek session (Zeek's timers and reuse rules cut connections), for conn.log comparison",
    )
    .option('--quiet', 'no progress line on stderr')
    .option('--host <address>', 'only connections involving this address (repeatable)', collect)
    .option('--port <port>', 'only connections on this port (repeatable)', portList)
    .addHelpText(
      'after',
      `
Examples:
  rstscope connections capture.pcap
  rstscope connections capture.pcap --json | jq 'select(.conn_state == "REJ")'
  rstscope connections capture.pcap --zeek-sessions --json   # rows as Zeek's conn.log has them`,
    )
    .action(async (paths: string[], opts) => {
      process.exitCode = await connectionsCommand(paths, opts);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; commander already printed its message.
      return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`rstscope: ${sanitizeForTerminal(err.message)}\n`);
      return EXIT_ERROR;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.message === 'string' && (e.code !== undefined || e.name === 'CaptureInputError')) {
      process.stderr.write(`rstscope: ${sanitizeForTerminal(e.message)}\n`);
      return EXIT_ERROR;
    }
    // A bug: say so plainly, with the stack for the report, rather than pretend it was the input.
    process.stderr.write(`rstscope: internal error: ${e?.stack ?? String(err)}\n`);
    return EXIT_ERROR;
  }
}

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.filename === (await realPath(process.argv[1]));

async function realPath(p: string): Promise<string> {
  const { realpathSync } = await import('node:fs');
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

if (isEntryPoint) {
  const code = await main(process.argv);
  process.exitCode = code;
}
