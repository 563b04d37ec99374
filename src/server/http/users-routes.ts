import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ConversationIdSchema, LIMITS, UserIdSchema } from '../../protocol/index.js';
import { ProfileInputSchema } from '../core/profile-input.js';
import type { AdminApi } from '../core/admin.js';
import { SEARCH_LIMITS } from '../../protocol/search-limits.js';
import { parse, QueryInt, queryLimit } from './validate.js';

const UserParams = v.object({ id: UserIdSchema });
const PairParams = v.object({ id: UserIdSchema, other: UserIdSchema });
const HistoryParams = v.object({ id: UserIdSchema, conversationId: ConversationIdSchema });
const HistoryQuery = v.object({ before: QueryInt, limit: queryLimit(LIMITS.historyPage) });
/**
 * `q`, `cursor`, `before`, `after` and the filters are checked by the search itself, for REST and
 * frames alike (SEARCH_QUERY_INVALID, SEARCH_CURSOR_INVALID, SEARCH_FILTER_INVALID, and
 * BAD_REQUEST for a bound that reads as a number but is not a time). `before` and `after` of
 * digits only are times.
 */
const SearchQuery = v.object({
  q: v.optional(v.string(), ''),
  conversationId: v.optional(ConversationIdSchema),
  cursor: v.optional(v.string()),
  limit: queryLimit(SEARCH_LIMITS.page),
  from: v.optional(UserIdSchema),
  before: v.optional(v.string()),
  after: v.optional(v.string()),
  kind: v.optional(v.string()),
});
const boundOf = (s: string | undefined) => (s === undefined ? undefined : /^\d{1,15}$/.test(s) ? Number(s) : s);
const TokenBody = v.object({
  userId: UserIdSchema,
  ttlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366 * 24 * 3600))),
});

/** Users, profiles, tokens, friends, blocklists and per-user views (admin key, see app.ts). */
export function usersRoutes(app: FastifyInstance, admin: AdminApi): void {
  app.put('/v1/users/:id', async (req) => {
    const { id } = parse(UserParams, req.params);
    const user = await admin.putUser(id, parse(ProfileInputSchema, req.body ?? {}));
    return { id: user.id, ...(user.name !== undefined && { name: user.name }), ...(user.avatar !== undefined && { avatar: user.avatar }) };
  });

  app.get('/v1/users/:id', async (req) => admin.user(parse(UserParams, req.params).id));

  app.delete('/v1/users/:id', async (req, reply) => {
    await admin.deleteUser(parse(UserParams, req.params).id);
    return reply.status(204).send();
  });

  app.post('/v1/tokens', async (req) => {
    const body = parse(TokenBody, req.body);
    return { token: await admin.issueToken(body.userId, body.ttlSeconds) };
  });

  for (const [path, setter] of [
    ['friends', (a: string, b: string, on: boolean) => admin.setFriends(a, b, on)],
    ['blocklist', (a: string, b: string, on: boolean) => admin.setBlocked(a, b, on)],
  ] as const) {
    app.put(`/v1/users/:id/${path}/:other`, async (req, reply) => {
      const { id, other } = parse(PairParams, req.params);
      await setter(id, other, true);
      return reply.status(204).send();
    });
    app.delete(`/v1/users/:id/${path}/:other`, async (req, reply) => {
      const { id, other } = parse(PairParams, req.params);
      await setter(id, other, false);
      return reply.status(204).send();
    });
  }

  app.get('/v1/users/:id/conversations', async (req) => {
    return { items: await admin.conversations(parse(UserParams, req.params).id) };
  });

  app.get('/v1/users/:id/conversations/:conversationId/messages', async (req) => {
    const { id, conversationId } = parse(HistoryParams, req.params);
    const { before, limit } = parse(HistoryQuery, req.query);
    return admin.history(id, conversationId, before, limit);
  });

  // Search (SPEC §12) as that user: what they could find themselves, newest first.
  app.get('/v1/users/:id/search', async (req) => {
    const { id } = parse(UserParams, req.params);
    const { q, conversationId, cursor, limit, from, kind, ...bounds } = parse(SearchQuery, req.query);
    const before = boundOf(bounds.before);
    const after = boundOf(bounds.after);
    return admin.search(id, {
      query: q, ...(conversationId !== undefined && { conversationId }), ...(cursor !== undefined && { cursor }), ...(limit !== undefined && { limit }),
      ...(from !== undefined && { from }), ...(before !== undefined && { before }), ...(after !== undefined && { after }),
      ...(kind !== undefined && { kind }),
    });
  });
}
