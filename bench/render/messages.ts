/** The conversation every renderer shows: the same texts in the same order, the newest marked. */
const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');

/** Text of message i (0-based): varied lengths, like a real thread. */
export function textOf(i: number): string {
  const words = 3 + ((i * 7919) % 23);
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(WORDS[(i + w * 13) % WORDS.length]!);
  return `#${i} ${out.join(' ')}`;
}

/** The newest message's text: the renderer is done when it is on screen. */
export const NEWEST = 'Newest message of the benchmark ✓';
