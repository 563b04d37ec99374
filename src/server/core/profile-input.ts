import * as v from 'valibot';
import { LIMITS, storedText, UrlSchema } from '../../protocol/index.js';

/**
 * A profile as it enters the server (`PUT /v1/users/:id`, a token's claims): a name holds no
 * control character (see `storedText`). Snapshots already stored, and the client, read
 * `ProfileSchema`. Here, not in protocol/message.ts, so no page bundles it.
 */
export const ProfileInputSchema = v.object({
  name: v.optional(storedText(LIMITS.shortTextBytes)),
  avatar: v.optional(UrlSchema),
});
