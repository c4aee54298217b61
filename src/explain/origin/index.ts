import type { Origin, OriginVerdict } from '../finding.ts';
import type { ResetContext } from '../reset-context.ts';
import { afterResetScorer } from './after-reset.ts';
import { bothEndsScorer } from './both-ends.ts';
import { craftedScorer } from './crafted.ts';
import { ipIdScorer } from './ip-id.ts';
import { sequenceScorer } from './sequence.ts';
import { timestampScorer } from './timestamps.ts';
import { timingScorer } from './timing.ts';
import { ttlScorer } from './ttl.ts';
import type { OriginScorer, OriginVote } from './vote.ts';
import { senderRole } from './vote.ts';

const SCORERS: OriginScorer[] = [
  ttlScorer,
  ipIdScorer,
  afterResetScorer,
  bothEndsScorer,
  timingScorer,
  sequenceScorer,
  craftedScorer,
  timestampScorer,
];

/** The address on a packet is itself mild evidence: most resets are what they claim to be. */
const PRIOR = 1;

/**
 * Each scorer votes with a weight and a reason; the origin with the largest total wins, and the
 * confidence is its share of all the weight. A reset claimed by an endpoint but with no signal
 * either way keeps that endpoint with modest confidence — never a confident guess.
 */
export function decideOrigin(ctx: ResetContext, extra: OriginVote[] = []): OriginVerdict {
  const votes: OriginVote[] = [
    {
      origin: senderRole(ctx),
      weight: PRIOR,
      signal: 'address',
      detail: `the reset carries the ${senderRole(ctx)}'s address`,
      frames: [],
    },
  ];
  for (const s of SCORERS) votes.push(...s(ctx));
  votes.push(...extra);
  const totals = new Map<Origin, number>();
  let sum = 0;
  for (const v of votes) {
    totals.set(v.origin, (totals.get(v.origin) ?? 0) + v.weight);
    sum += v.weight;
  }
  let origin: Origin = 'unknown';
  let best = 0;
  for (const [o, w] of totals) {
    if (w > best) {
      best = w;
      origin = o;
    }
  }
  let confidence = sum > 0 ? best / sum : 0;
  // Evidence volume matters: a lone prior is a guess.
  const evidenceWeight = sum - PRIOR;
  confidence *= Math.min(1, 0.55 + evidenceWeight / 8);
  confidence = Math.round(Math.min(confidence, 0.98) * 100) / 100;
  if (confidence < 0.35) origin = 'unknown';
  return { origin, confidence, votes: votes.filter((v) => v.signal !== 'address' || votes.length === 1) };
}
