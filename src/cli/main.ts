#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { sanitizeForTerminal } from '../report/terminal-safe.ts';
import { CONNECTIONS_HELP, EXPLAIN_HELP, EXPORT_HELP, PACKETS_HELP, PROGRAM_HELP } from './help-text.ts';
import { UsageError } from './packet-filter.ts';

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

/**
 * The command line. Each command's module is imported when that command runs, so `packets` does
 * not load the explain layer: start-up is a visible part of a short run.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rstscope')
    .description(PROGRAM_HELP.description)
    .addHelpText('after', PROGRAM_HELP.after)
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('explain')
    .summary(EXPLAIN_HELP.summary)
    .description(EXPLAIN_HELP.description)
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
    .addHelpText('after', EXPLAIN_HELP.after)
    .action(async (paths: string[], opts) => {
      const color = opts.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
      process.exitCode = await (await import('./explain-command.ts')).explainCommand(paths, {
        ...opts,
        color,
      });
    });

  program
    .command('export')
    .summary(EXPORT_HELP.summary)
    .description(EXPORT_HELP.description)
    .argument('<capture...>', 'the same captures, in the same order, as given to explain')
    .option(
      '--finding <n>',
      'finding number as printed by explain and numbered in --json (#N; --ndjson numbers differ: use --frame)',
      findingNumber,
    )
    .option(
      '--frame <[c:]n>',
      "the connection holding frame N of capture C (default 0), e.g. a finding's packets[0]",
    )
    .option('--connection <spec>', 'a connection instead: "10.0.0.1:50000-10.0.0.9:445" (IPv6 in brackets)')
    .requiredOption('-w, --write <file>', 'output file (.pcapng for pcapng)')
    .option('--format <format>', 'pcap or pcapng (default: from the file name, pcapng for several captures)')
    .option('--quiet', 'no summary line on stderr')
    .addHelpText('after', EXPORT_HELP.after)
    .action(async (paths: string[], opts) => {
      if (opts.finding === undefined && opts.connection === undefined && opts.frame === undefined)
        throw new UsageError('export: give --finding N, --frame [C:]N or --connection SPEC');
      if (opts.format !== undefined && opts.format !== 'pcap' && opts.format !== 'pcapng')
        throw new UsageError('--format: pcap or pcapng');
      process.exitCode = await (await import('./export-command.ts')).exportCommand(paths, opts);
    });

  program
    .command('packets')
    .summary(PACKETS_HELP.summary)
    .description(PACKETS_HELP.description)
    .argument('<capture...>', 'pcap or pcapng files (gzip/zstd accepted); - reads standard input')
    .option('--json', 'one JSON object per packet per line')
    .option('--resets', 'only packets with the RST flag')
    .option('--quiet', 'no progress line on stderr')
    .option('--host <address>', 'only packets from or to this address (repeatable)', collect)
    .option('--port <port>', 'only packets from or to this port (repeatable)', portList)
    .addHelpText('after', PACKETS_HELP.after)
    .action(async (paths: string[], opts) => {
      process.exitCode = await (await import('./packets-command.ts')).packetsCommand(paths, opts);
    });

  program
    .command('connections')
    .summary(CONNECTIONS_HELP.summary)
    .description(CONNECTIONS_HELP.description)
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
    .addHelpText('after', CONNECTIONS_HELP.after)
    .action(async (paths: string[], opts) => {
      process.exitCode = await (await import('./connections-command.ts')).connectionsCommand(paths, opts);
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
