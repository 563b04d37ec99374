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
/** Where the message is: its group, or the two users of its 1:1 chat. */
const RecallQuery = v.union([
  v.object({ groupId: GroupIdSchema }),
  v.object({ from: UserIdSchema, to: UserIdSchema }),
]);

/** An admin's edit: the new text (as a user's edit), its @mentions, and an optional key that makes a retry apply once. */
const EditBody = v.strictObject({
  text: v.pipe(maxBytes(LIMITS.textBytes), v.minLength(1)),
  groupAtUserList: v.optional(v.pipe(v.array(v.union([UserIdSchema, v.literal(AT_ALL)])), v.maxLength(LIMITS.groupAtUsers))),
  changeId: v.optional(ClientMsgIdSchema),
});
/** The place (RecallQuery) and, for a pin, an optional key that makes a retry apply once. */
const PinQuery = v.union([
  v.object({ groupId: GroupIdSchema, changeId: v.optional(ClientMsgIdSchema) }),
  v.object({ from: UserIdSchema, to: UserIdSchema, changeId: v.optional(ClientMsgIdSchema) }),
]);

const placeOf = (where: { groupId: string } | { from: string; to: string }): MessagePlace =>
  'groupId' in where ? { groupId: where.groupId } : { users: [where.from, where.to] };

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
