import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The public capture corpus beside the project (../shared/corpus), described by MANIFEST.tsv. */
export const CORPUS_DIR = new URL('../../../shared/corpus/', import.meta.url).pathname;

export interface CorpusEntry {
  path: string;
  localPath: string;
  format: string;
  packets: number;
  tcpPackets: number;
  rstPackets: number;
  tcpStreams: number;
  notes: string;
}

export function corpusAvailable(): boolean {
  return existsSync(join(CORPUS_DIR, 'MANIFEST.tsv'));
}

export function corpusEntries(): CorpusEntry[] {
  if (!corpusAvailable()) return [];
  const lines = readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      localPath: f[col('local_path')],
      path: join(CORPUS_DIR, f[col('local_path')]),
      format: f[col('format')],
      packets: Number(f[col('packets')]),
      tcpPackets: Number(f[col('tcp_packets')]),
      rstPackets: Number(f[col('rst_packets')]),
      tcpStreams: Number(f[col('tcp_streams')]),
      notes: f[col('notes')] ?? '',
    };
  });
}

/** Rows of a `<capture>.tshark-rst.tsv` reference extraction (see corpus README). */
export function tsharkRstRows(capturePath: string): Record<string, string>[] | null {
  const tsv = `${capturePath}.tshark-rst.tsv`;
  if (!existsSync(tsv)) return null;
  const lines = readFileSync(tsv, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, f[i] ?? '']));
  });
}
