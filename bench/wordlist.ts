/**
 * Word list benchmark (SPEC §11): what checking one text costs, in-process, with no list and with
 * a 1,000-entry list (750 Latin words, 250 CJK terms), for texts of chat length and the largest
 * a send may carry, none containing a listed word (every text is checked in full) and one
 * that is masked. Reports the median of 7 rounds, in checks per second and µs per check. The
 * end-to-end figure (sends per second with the list on beside off) is
 * `npm run bench:server -- --targets natter,natter-wordlist,natter,natter-wordlist`.
 *
 *   npm run bench:wordlist
 */
import { WordMatcher, type WordEntry } from '../src/server/moderation/word-matcher.js';
import { fmt, median, table } from './lib/stats.js';

const list: WordEntry[] = Array.from({ length: 1000 }, (_, i) => ({ word: i % 4 === 3 ? `禁止词${i}` : `forbidden${i}word` }));
const texts: [string, string][] = [
  ['chat line, ASCII (40 B)', 'see you at the station at 6, bring snacks'],
  ['chat line, mixed Latin and CJK (200 chars)', 'Meeting notes: 明天下午三点在会议室开会，请带上笔记本电脑。 Agenda: budget, hiring, the Q3 roadmap; 别忘了。 Thanks all — ｆｕｌｌ-width ok. '.repeat(2).slice(0, 200)],
  ['long message, ASCII (8 KB)', 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod '.repeat(117)],
  ['long message, CJK (8 KB)', '这是一段很长的中文消息，用来测试敏感词过滤的速度。'.repeat(109)],
  ['chat line with a masked word', 'well forbidden7word it, and 禁止词3 too'],
];

function rate(m: WordMatcher, text: string): number {
  const n = Math.max(200, Math.round(2_000_000 / (text.length + 50)));
  for (let i = 0; i < n / 10; i++) m.check(text); // warm-up
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) m.check(text);
    rounds.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rounds);
}

const t0 = performance.now();
const full = new WordMatcher(list, 'mask');
const compileMs = performance.now() - t0;
const none = new WordMatcher([], 'mask');
const rows = texts.map(([name, text]) => {
  const off = rate(none, text);
  const on = rate(full, text);
  return [name, fmt(off, 0), fmt(on, 0), fmt(1e6 / on, 2)];
});
console.log(`\nWord list: ${list.length} entries compiled in ${fmt(compileMs, 2)} ms; median of 7 rounds\n`);
console.log(table(['text', 'checks/s, no list', 'checks/s, 1,000 entries', 'µs per check'], rows));
