import * as v from 'valibot';
import { ReqIdSchema as ReqId, SeqSchema as Seq } from './fields.js';
import { GROUP_ROLES } from './answer-frames.js';
import { MessageSchema } from './message.js';

/*
 * Answers read only by features most visitors never open (search, a group's settings): apart from
 * `./answer-frames.ts`, which the script tag's panel imports, so that they travel with those
 * features' code (its extras chunk). Registered like them (`acceptAnswers`).
 */

/**
 * The answer to `search.fetch`, newest first, as many as fit in one frame. `cursor` is set when
 * more may follow: pass it in the next `search.fetch`. Each snippet is checked against
 * `SearchResultSchema` (`./search-schema.ts`) by the code that reads it (the client's search,
 * loaded with the first search, checks it by hand), so the first paint does not carry it.
 */
export const SearchResultsSchema = v.object({
  type: v.literal('search.results'),
  reqId: ReqId,
  /** At most SEARCH_LIMITS.page (50); the bounds of each snippet are checked by the code that reads it. */
  results: v.array(v.object({ message: MessageSchema, snippet: v.object({ text: v.string(), marks: v.array(v.array(v.number())) }) })),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(128))),
});

/** The answer to `group.fetch`: the group's settings and the asker's role in it. */
export const GroupInfoSchema = v.object({
  type: v.literal('group.info'),
  reqId: ReqId,
  // Lengths are the server's to bound (and the frame's, by LIMITS.frameBytes): the first paint carries this.
  group: v.object({
    id: v.string(),
    name: v.string(),
    avatar: v.optional(v.string()),
    notice: v.optional(v.string()),
    historyVisibility: v.picklist(['all', 'since-join']),
    memberCount: Seq,
    role: v.picklist(GROUP_ROLES),
  }),
});
export type GroupInfo = v.InferOutput<typeof GroupInfoSchema>['group'];
