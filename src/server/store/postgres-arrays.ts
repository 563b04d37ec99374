/**
 * PostgreSQL array literals for the statements every send makes (a commit's columns, a turn's
 * lookups), written by one `JSON.stringify` of the whole array instead of `pg`'s per-element
 * escaping (two regex replaces and a concatenation an element: 17 % of the PostgreSQL node's
 * allocations at 4,000 msg/s, issue 23).
 *
 * A JSON array is a PostgreSQL array literal once its brackets become braces, as long as each
 * string's JSON escapes are ones `array_in` reads back as the same characters: inside quotes it
 * takes `\x` as `x`, so `\"` and `\\` agree, and JSON escapes nothing else but control
 * characters (`\n` would be read as `n`) and lone surrogates (`\udc00`). `null` is read as NULL
 * (case does not matter), `true`/`false` as booleans, numbers as numbers. A string with one of
 * those characters makes the column go through `pg` as before.
 */

/** Characters whose JSON escape `array_in` would not read back as the character (any surrogate: pairs too, to keep the test cheap). */
const UNSAFE = /[\u0000-\u001f\ud800-\udfff]/;

/** An array of these, as a parameter `pg` passes through as is (a literal), or as `pg` would (the array). */
export type ArrayParam = string | readonly unknown[];

/**
 * `values` as a parameter for `$n::text[]` (or `bool[]`, `bigint[]`). Strings that are JSON text
 * (`jsonText`: what `JSON.stringify` wrote, which never holds a control character or a lone
 * surrogate) are not checked.
 */
export function arrayParam(values: readonly (string | number | boolean | null)[], jsonText = false): ArrayParam {
  if (!jsonText) {
    for (const v of values) if (typeof v === 'string' && UNSAFE.test(v)) return values;
  }
  const json = JSON.stringify(values);
  return `{${json.slice(1, -1)}}`;
}
