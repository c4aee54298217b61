/**
 * Prints rstscope's accuracy on the project's real-stack recordings (test/fixtures/lab): for every
 * reset packet in every capture (client, router and server vantage points analysed separately),
 * whether the cause and the origin match the recorded truth. `npm run accuracy`.
 */
import { labAccuracy } from '../test/helpers/lab-accuracy.ts';

const args = process.argv.slice(2);
const together = args.includes('--together');
const ids = args.filter((a) => !a.startsWith('--'));
const results = await labAccuracy(ids.length > 0 ? ids : undefined, together);
console.log(together ? 'all captures of a scenario analysed together (several vantage points)' : 'each capture analysed alone');
let total = 0;
let cause = 0;
let origin = 0;
let fTotal = 0;
let fFound = 0;
console.log('scenario                      vantage  frame  expected cause / origin              got cause / origin');
for (const r of results) {
  for (const v of r.resets) {
    total++;
    if (v.causeOk) cause++;
    if (v.originOk) origin++;
    const exp = v.expected ? `${v.expected.cause} / ${v.expected.sender}` : 'UNLISTED';
    const got = v.finding ? `${v.finding.cause} / ${v.finding.origin} (${v.finding.confidence})` : 'NO FINDING';
    const mark = v.causeOk && v.originOk ? ' ' : '✗';
    console.log(`${mark} ${r.scenario.id.padEnd(28)} ${v.vantage.padEnd(8)} ${String(v.frame).padStart(5)}  ${exp.padEnd(36)} ${got}`);
  }
  for (const u of r.unexpectedFailures) console.log(`✗ ${r.scenario.id.padEnd(28)} unexpected failure finding: ${u}`);
  for (const f of r.failures) {
    fTotal++;
    if (f.found) fFound++;
    console.log(`${f.found ? ' ' : '✗'} ${r.scenario.id.padEnd(28)} ${f.vantage.padEnd(8)}  failure ${f.expected.cause.padEnd(28)} ${f.found ? 'found' : 'MISSING'}`);
  }
}
console.log('');
console.log(`reset packets: ${total}; cause correct ${cause} (${((100 * cause) / Math.max(1, total)).toFixed(1)}%), origin correct ${origin} (${((100 * origin) / Math.max(1, total)).toFixed(1)}%)`);
console.log(`failures without reset: ${fFound} of ${fTotal} found`);
