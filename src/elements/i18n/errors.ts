import type { ErrorBody, ErrorName } from '../../protocol/errors.js';
import type { Locale } from './locale.js';

/**
 * Why a message could not be sent or forwarded, as a sentence a person understands, per locale.
 * The protocol's own `message` is English and written for developers; the thread shows these.
 */
type Catalogue = Partial<Record<ErrorName, string>> & { fallback: string; retryAt: (time: string) => string };

const en: Catalogue = {
  fallback: 'The message could not be sent.',
  retryAt: (time) => `You are sending too fast. Try again at ${time}.`,
  TIMEOUT: 'No connection: the message was not confirmed in time. It is sent when you are back online.',
  UNAVAILABLE: 'The server could not store the message. Try again.',
  SHUTTING_DOWN: 'The server is restarting. The message is sent when it is back.',
  INTERNAL: 'Something went wrong on the server. Try again.',
  UPLOAD_FAILED: 'The attachment could not be uploaded.',
  RATE_LIMITED: 'You are sending too fast. Wait a moment, then try again.',
  BLOCKED: 'This person does not accept your messages.',
  NOT_FRIENDS: 'You can only message people who are your friends.',
  MESSAGE_TOO_LARGE: 'The message is too long to send.',
  FILE_TOO_LARGE: 'The file is too large to send.',
  FILE_FORBIDDEN: 'You may not share this file here.',
  FILE_NOT_FOUND: 'The file is no longer available.',
  UPLOAD_CANCELLED: 'The upload was cancelled.',
  NOT_MEMBER: 'You are not a member of this conversation.',
  USER_UNKNOWN: 'There is no user with this id.',
  GROUP_UNKNOWN: 'This group does not exist.',
  SELF_CONVERSATION: 'You cannot send messages to yourself.',
  NOT_FORWARDABLE: 'System notifications and call events cannot be forwarded.',
  MESSAGE_UNKNOWN: 'The original message is no longer available to you.',
  CLIENT_MSG_ID_REUSED: 'This message was already sent to another conversation.',
  BAD_FRAME: 'The message is not valid and cannot be sent.',
  BAD_REQUEST: 'The message is not valid and cannot be sent.',
  ADMIN_REQUIRED: 'Only the server may send this kind of message.',
  CANCELLED: 'Sending was cancelled.',
};

const zhCN: Catalogue = {
  fallback: '消息发送失败。',
  retryAt: (time) => `发送过于频繁，请在 ${time} 后重试。`,
  TIMEOUT: '网络未连接：消息未能及时确认。恢复联网后将自动发送。',
  UNAVAILABLE: '服务器暂时无法保存消息，请重试。',
  SHUTTING_DOWN: '服务器正在重启，恢复后将自动发送。',
  INTERNAL: '服务器出错了，请重试。',
  UPLOAD_FAILED: '附件上传失败。',
  RATE_LIMITED: '发送过于频繁，请稍后再试。',
  BLOCKED: '对方拒收了你的消息。',
  NOT_FRIENDS: '只能给好友发送消息。',
  MESSAGE_TOO_LARGE: '消息过长，无法发送。',
  FILE_TOO_LARGE: '文件过大，无法发送。',
  FILE_FORBIDDEN: '你无权在此分享该文件。',
  FILE_NOT_FOUND: '该文件已不存在。',
  UPLOAD_CANCELLED: '已取消上传。',
  NOT_MEMBER: '你不是该会话的成员。',
  USER_UNKNOWN: '该用户不存在。',
  GROUP_UNKNOWN: '该群组不存在。',
  SELF_CONVERSATION: '不能给自己发送消息。',
  NOT_FORWARDABLE: '系统通知和通话记录不能转发。',
  MESSAGE_UNKNOWN: '原消息已无法查看。',
  CLIENT_MSG_ID_REUSED: '该消息已发送到其他会话。',
  BAD_FRAME: '消息无效，无法发送。',
  BAD_REQUEST: '消息无效，无法发送。',
  ADMIN_REQUIRED: '此类消息只能由服务器发送。',
  CANCELLED: '已取消发送。',
};

const CATALOGUES: Record<Locale, Catalogue> = { en, 'zh-CN': zhCN };

/**
 * The sentence for a failure. A rate-limited one says when to retry (`retryAt`, ms since the
 * epoch, as the client records it); a code without a sentence gets the generic one.
 */
export function errorText(error: Pick<ErrorBody, 'name'> | undefined, locale: Locale, retryAt?: number): string {
  const c = CATALOGUES[locale];
  if (!error) return c.fallback;
  if (error.name === 'RATE_LIMITED' && retryAt !== undefined) {
    const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(retryAt);
    return c.retryAt(time);
  }
  return c[error.name] ?? c.fallback;
}
