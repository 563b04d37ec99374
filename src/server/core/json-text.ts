/**
 * `json` (an object serialised by `JSON.stringify`) with the text `pair` of one of its top-level
 * members (`"key":value`) replaced by `by`, without parsing or serialising again; undefined when
 * `pair` is not there at the top level. Found as text: inside a JSON string every quote is
 * escaped, so `"key":` can only be a key, and with no `{` before it but the first character it is
 * the object's own, not a nested object's (callers use it for members that come before any
 * nested object).
 */
export function replaceTopLevelMember(json: string, pair: string, by: string): string | undefined {
  const at = json.indexOf(pair);
  if (at < 0 || json.lastIndexOf('{', at) !== 0) return undefined;
  return json.slice(0, at) + by + json.slice(at + pair.length);
}
