import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import {
  AT_ALL,
  ClientMsgIdSchema,
  LIMITS,
  maxBytes,
  GroupIdSchema,
  SendOptionsSchema,
  SystemElemSchema,
  TextElemSchema,
  UserIdSchema,
} from '../../protocol/index.js';
import type { AdminApi, MessagePlace } from '../core/admin.js';
import { parse } from './validate.js';

/** Admin send: send options sit beside the addressing fields, as in a `message.send` frame. */
const SendBody = v.object({
  ...SendOptionsSchema.entries,
  from: v.optional(UserIdSchema),
  to: v.optional(UserIdSchema),
  groupId: v.optional(GroupIdSchema),
  clientMsgId: v.optional(ClientMsgIdSchema),
  elem: v.variant('type', [TextElemSchema, SystemElemSchema]),
});

/** Message ids the server makes (UUIDv7) fit a change key: `recall-<id>`. */
const RecallParams = v.object({ messageId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,56}$/, 'invalid message id')) });
/** The fields naming where a message is: its group, or the two users of its 1:1 chat. */
const PLACE = { groupId: v.optional(GroupIdSchema), from: v.optional(UserIdSchema), to: v.optional(UserIdSchema) };
type PlaceFields = { groupId?: string | undefined; from?: string | undefined; to?: string | undefined };
/**
 * Exactly one of the two: a group and a pair together would leave the server to guess which was
 * meant (it took the group), and a union's refusal named no field ("Expected Object").
 */
const onePlace = <T extends PlaceFields>() => v.check<T, string>((q) => (q.groupId !== undefined) !== (q.from !== undefined && q.to !== undefined)
  && (q.from === undefined) === (q.to === undefined), 'give `groupId`, or `from` and `to` (the two users of the 1:1 chat), not both');
const RecallQuery = v.pipe(v.object(PLACE), onePlace());

/** An admin's edit: the new text (as a user's edit), its @mentions, and an optional key that makes a retry apply once. */
const EditBody = v.strictObject({
  text: v.pipe(maxBytes(LIMITS.textBytes), v.minLength(1)),
  groupAtUserList: v.optional(v.pipe(v.array(v.union([UserIdSchema, v.literal(AT_ALL)])), v.maxLength(LIMITS.groupAtUsers))),
  changeId: v.optional(ClientMsgIdSchema),
});
/** The place (RecallQuery) and, for a pin, an optional key that makes a retry apply once. */
const PinQuery = v.pipe(v.object({ ...PLACE, changeId: v.optional(ClientMsgIdSchema) }), onePlace());

/** The place of a query onePlace passed. */
const placeOf = (where: PlaceFields): MessagePlace =>
  where.groupId !== undefined ? { groupId: where.groupId } : { users: [where.from!, where.to!] };

export function messagesRoutes(app: FastifyInstance, admin: AdminApi): void {
  app.post('/v1/messages', async (req) => {
    const { from, to, groupId, clientMsgId, elem, ...options } = parse(SendBody, req.body);
    const { message, duplicate } = await admin.send({
      elem,
      options,
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
      ...(groupId !== undefined && { groupId }),
      ...(clientMsgId !== undefined && { clientMsgId }),
    });
    return {
      id: message.id,
      seq: message.seq,
      time: message.time,
      conversationId: message.conversationId,
      ...(duplicate && { duplicate }),
    };
  });

  // Recall (delete for everyone) by an admin, any time; repeats answer the first recall.
  app.delete('/v1/messages/:messageId', async (req) => {
    const { messageId } = parse(RecallParams, req.params);
    const where = parse(RecallQuery, req.query);
    const { seq, duplicate } = await admin.recallMessage(messageId, placeOf(where));
    return { recalled: messageId, seq, ...(duplicate && { duplicate }) };
  });

  // Edit by an admin (moderation): anyone's text message, any time; the event's sender is `system`.
  app.patch('/v1/messages/:messageId', async (req) => {
    const { messageId } = parse(RecallParams, req.params);
    const where = parse(RecallQuery, req.query);
    const body = parse(EditBody, req.body ?? {});
    const { seq, duplicate } = await admin.editMessage(messageId, placeOf(where), body);
    return { edited: messageId, seq, ...(duplicate && { duplicate }) };
  });

  // Pin and unpin by an admin, whatever NATTER_PIN says.
  for (const [method, on] of [['PUT', true], ['DELETE', false]] as const) {
    app.route({
      method, url: '/v1/messages/:messageId/pin',
      handler: async (req) => {
        const { messageId } = parse(RecallParams, req.params);
        const { changeId, ...where } = parse(PinQuery, req.query);
        const { seq, duplicate } = await admin.pinMessage(messageId, placeOf(where), on, changeId);
        return { pinned: on, messageId, seq, ...(duplicate && { duplicate }) };
      },
    });
  }
}
