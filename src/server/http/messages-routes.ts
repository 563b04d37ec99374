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
}
