/**
 * `--help` as a user meets it: every command says what it does, shows examples and documents
 * its exit codes, and every example uses only options the command really has.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildProgram } from '../../src/cli/main.ts';
import { CAUSES } from '../../src/explain/finding.ts';

const MAIN = path.join(import.meta.dirname, '..', '..', 'src/cli/main.ts');
const COMMANDS = ['explain', 'export', 'packets', 'connections'];

function help(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--help'], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The lines of a section ("Examples:", "Exit codes:") up to the next blank line. */
function section(text: string, title: string): string[] {
  const at = text.indexOf(`\n${title}\n`);
  if (at < 0) return [];
  const rest = text.slice(at + title.length + 2);
  const end = rest.indexOf('\n\n');
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.trim() !== '');
}

describe('--help', () => {
  it('top level: the commands, examples and the exit codes 0, 1 and 2', () => {
    const r = help();
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    for (const c of COMMANDS) assert.match(r.out, new RegExp(`^  ${c} `, 'm'));
    assert.ok(section(r.out, 'Examples:').length >= 5);
    const codes = section(r.out, 'Exit codes:').map((l) => l.trim().split(/\s+/)[0]);
    assert.deepEqual(codes, ['0', '1', '2']);
  });

  for (const command of COMMANDS) {
    it(`${command}: what it does, examples, exit codes`, () => {
      const r = help(command);
      assert.equal(r.code, 0);
      const description = r.out.split('\n\n')[1] ?? '';
      assert.ok(description.length > 80, `a description of ${command}: ${description}`);
      assert.ok(section(r.out, 'Examples:').length >= 3, `${command} has examples`);
      const codes = section(r.out, 'Exit codes:')
        .map((l) => /^ {2}(\d) /.exec(l)?.[1])
        .filter((c) => c !== undefined);
      assert.deepEqual(codes, command === 'explain' ? ['0', '1', '2'] : ['0', '1']);
    });
  }

  it('every example uses only options its command has, and only real cause ids', () => {
    const program = buildProgram();
    let checked = 0;
    for (const args of [[], ...COMMANDS.map((c) => [c])]) {
      for (const line of section(help(...args).out, 'Examples:')) {
        const m = /(?:^|\| )rstscope (\w+)(.*?)(?:\||$)/.exec(line.trim());
        assert.ok(m, `an example runs rstscope: ${line}`);
        const cmd = program.commands.find((c) => c.name() === m[1]);
        assert.ok(cmd, `${m[1]} is a command`);
        const flags = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
        for (const opt of m[2].match(/(?<=\s)--?[a-z][\w-]*/g) ?? []) {
          assert.ok(flags.has(opt), `${m[1]} has ${opt} (${line.trim()})`);
          checked++;
        }
        const cause = /--cause (\S+)/.exec(m[2]);
        if (cause) assert.ok((CAUSES as readonly string[]).includes(cause[1]), cause[1]);
      }
    }
    assert.ok(checked > 10, `${checked} options checked`);
  });
});
