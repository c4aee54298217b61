/**
 * The rstscope stages that `npm run bench` measures, cheapest first. Each runs alone in its own
 * child process (bench/stage-child.ts), so its peak RSS is its own and a stage that crashes does
 * not take the others with it.
 *
 * Adding a stage is one line here plus a module in bench/stages/ exporting `run` (see
 * StageModule). A stage whose module, or a project module it imports, does not exist yet is
 * reported as "not present" and skipped: the registry can name stages ahead of the code.
 */

/** What a stage reports back: a few counts that prove it did the work (records, tcp, resets…). */
export type StageCounts = Record<string, number>;

export interface StageModule {
  /** Process the whole capture at `path` once; resolve when done. `onProgress` is handed to the
   *  capture reader's progress callback (a few times a second): the memory check samples there. */
  run(path: string, onProgress?: () => void): Promise<StageCounts>;
}

export interface Stage {
  /** Short id used on the command line (`--stages read,decode`) and in last.json. */
  id: string;
  /** What the table calls it. */
  label: string;
  load: () => Promise<StageModule>;
}

export const STAGES: readonly Stage[] = [
  { id: 'read', label: 'rstscope read', load: () => import('./stages/read.ts') },
  { id: 'decode', label: 'rstscope read+decode', load: () => import('./stages/decode.ts') },
  { id: 'track', label: 'rstscope read+decode+track', load: () => import('./stages/track.ts') },
  { id: 'explain', label: 'rstscope full explain', load: () => import('./stages/explain.ts') },
];

/** Stages the flat-memory check runs on the first half of the file as well as on the whole file. */
export const FLAT_MEMORY_STAGES: readonly string[] = ['decode', 'track', 'explain'];
