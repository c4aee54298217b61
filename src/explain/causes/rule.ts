import type { ResetFacts } from '../facts.ts';
import type { Cause, Evidence, OriginVerdict, Severity } from '../finding.ts';
import type { ResetContext } from '../reset-context.ts';

/**
 * A cause rule looks at one reset group (and the origin verdict) and either says nothing or
 * proposes its cause with a confidence, the evidence for it, and the words for the report.
 * Rules never change the context; the engine picks the most confident proposal and lists the
 * others as alternatives.
 */
export interface Candidate {
  cause: Cause;
  confidence: number;
  severity: Severity;
  evidence: Evidence[];
  summary: string;
  nextStep: string;
  /** The rule weighed a device-made reset itself: its severity stands even for origin middlebox
   *  (otherwise a benign endpoint cause told of a forged reset becomes `security`). */
  deviceAware?: boolean;
  /** The application exchange the finding is about, when it is not simply the last one (an
   *  app-error names the request the error answered). */
  app?: { request?: string; response?: string; error?: boolean };
}

export type CauseRule = (ctx: ResetContext, origin: OriginVerdict, facts: ResetFacts) => Candidate | null;

/** Whether the origin verdict leaves the reset with the endpoint whose address it carries. */
export function byEndpoint(ctx: ResetContext, origin: OriginVerdict): boolean {
  return origin.origin === role(ctx.fromClient) || origin.origin === 'unknown';
}

export function frames(
  ctx: ResetContext,
  ...numbers: (number | null | undefined)[]
): { capture: number; frame: number }[] {
  const out: { capture: number; frame: number }[] = [];
  const seen = new Set<number>();
  for (const n of numbers) {
    if (typeof n !== 'number' || n <= 0 || seen.has(n)) continue;
    seen.add(n);
    out.push({ capture: ctx.c.capture, frame: n });
  }
  return out;
}

export function seconds(micros: number): string {
  // Negative only when the capture reordered a packet sent before the reset (capture-order.ts):
  // in sending order there was no delay.
  if (micros < 0) micros = 0;
  const s = micros / 1e6;
  if (s < 0.001) return `${Math.round(micros)} µs`;
  if (s < 1) return `${(s * 1000).toFixed(1)} ms`;
  if (s < 120) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function role(fromClient: boolean): 'client' | 'server' {
  return fromClient ? 'client' : 'server';
}

/** "the client 10.0.0.1:5000" / "the server 10.0.0.9:445" */
export function who(ctx: ResetContext, fromClient: boolean): string {
  return fromClient ? `the client ${ctx.clientLabel}` : `the server ${ctx.serverLabel}`;
}

/** The reset's own frame(s). */
export function resetFrames(ctx: ResetContext): { capture: number; frame: number }[] {
  return ctx.group.map((g) => ({ capture: ctx.c.capture, frame: g.frame }));
}
