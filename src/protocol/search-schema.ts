import * as v from 'valibot';
import { SEARCH_LIMITS } from './search-limits.js';
import { MessageSchema } from './message.js';

const Offset = v.pipe(v.number(), v.integer(), v.minValue(0));

/** One search result (`search.results`): the message as the searcher sees it and its excerpt with the matches marked. */
export const SearchResultSchema = v.object({
  message: MessageSchema,
  snippet: v.object({
    text: v.pipe(v.string(), v.maxLength(SEARCH_LIMITS.snippetChars * 4)),
    /** [start, end) UTF-16 ranges of `text` that matched. */
    marks: v.pipe(v.array(v.tuple([Offset, Offset])), v.maxLength(SEARCH_LIMITS.snippetChars)),
  }),
});
export type SearchResult = v.InferOutput<typeof SearchResultSchema>;

const Results = v.array(SearchResultSchema);

/** The results of a `search.results` frame, checked; undefined when one is not a result. */
export function checkSearchResults(results: unknown[]): SearchResult[] | undefined {
  const checked = v.safeParse(Results, results);
  return checked.success ? checked.output : undefined;
}
