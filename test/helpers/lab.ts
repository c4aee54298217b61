import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real-stack recordings made by test/lab/ (see test/lab/README.md). */
export const LAB_DIR = new URL('../fixtures/lab/', import.meta.url).pathname;

export interface LabReset {
  from: string;
  to: string;
  seq: number;
  ack: number;
  flags: string;
  sender: 'client' | 'server' | 'router';
  cause: string;
  kernelReason: string | null;
}

export interface LabScenario {
  id: string;
  dir: string;
  description: string;
  captures: Record<string, string>;
  resets: LabReset[];
  failures: { client: string; server: string; cause: string }[];
  notes?: string;
}

export function labScenarios(): LabScenario[] {
  if (!existsSync(LAB_DIR)) return [];
  return readdirSync(LAB_DIR)
    .filter((d) => existsSync(join(LAB_DIR, d, 'scenario.json')))
    .sort()
    .map((d) => {
      const s = JSON.parse(readFileSync(join(LAB_DIR, d, 'scenario.json'), 'utf8'));
      return { ...s, dir: join(LAB_DIR, d) } as LabScenario;
    });
}

/** The origin rstscope should report for a reset truly sent by `sender`. */
export function expectedOrigin(sender: LabReset['sender']): string {
  return sender === 'router' ? 'middlebox' : sender;
}
