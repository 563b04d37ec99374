import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import {
  ClientMsgIdSchema,
  GroupIdSchema,
  SendOptionsSchema,
  SystemElemSchema,
  TextElemSchema,
  UserIdSchema,
} from '../../protocol/index.js';
import type { AdminApi } from '../core/admin.js';
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
    const { seq, duplicate } = await admin.recallMessage(messageId, 'groupId' in where ? { groupId: where.groupId } : { users: [where.from, where.to] });
    return { recalled: messageId, seq, ...(duplicate && { duplicate }) };
  });
}
