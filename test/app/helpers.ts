/** Shared helpers of the app-summary tests. */

import assert from 'node:assert/strict';
import { summarizeUnguarded } from '../../src/app/detect.ts';
import type { AppSummary, PayloadContext } from '../../src/app/index.ts';
import type { CorpusPayload } from './corpus-payloads.ts';

export function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function ascii(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

export function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

/**
 * Summarises through the unguarded entry point, so that a parser bug that throws fails the
 * test instead of being turned into null by index.ts.
 */
export function summarize(data: Uint8Array, ctx: PayloadContext): AppSummary | null {
  const s = summarizeUnguarded(data, 0, data.length, ctx);
  if (s !== null) assertTerminalSafe(s.text);
  return s;
}

export function summarizeCorpus(p: CorpusPayload): AppSummary {
  const s = summarize(hexBytes(p.hex), p);
  assert.ok(s, `${p.source}: no summary`);
  return s;
}

/** Code points a terminal may act on or that change how a line reads. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

export function assertTerminalSafe(text: string, maxLength = 160): void {
  assert.ok(text.length <= maxLength, `longer than ${maxLength}: ${text.length}`);
  const bad = UNSAFE.exec(text);
  if (bad) assert.fail(`unsafe U+${bad[0].codePointAt(0)?.toString(16)} in ${JSON.stringify(text)}`);
  // Belt and braces: a lone surrogate (\p{Cs} above) would also make the string ill-formed.
  assert.ok(text.isWellFormed(), `lone surrogate in ${JSON.stringify(text)}`);
}

/** Client-side context on a server port. */
export function client(serverPort: number): PayloadContext {
  return { serverPort, fromClient: true };
}

export function server(serverPort: number): PayloadContext {
  return { serverPort, fromClient: false };
}
