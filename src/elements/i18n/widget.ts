import type { Locale } from './locale.js';

/** Labels of `<chat-widget>`, per locale. */
const en = {
  title: 'Chat',
  open: 'Open chat',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  close: 'Close chat',
  back: 'Back to conversations',
  conversations: 'Conversations',
  messages: 'Messages',
  placeholder: 'Write a message…',
  pick: 'Pick a conversation',
};

export type WidgetStrings = typeof en;

const zhCN: WidgetStrings = {
  title: '聊天',
  open: '打开聊天',
  unread: (n) => `${n} 条未读消息`,
  close: '关闭聊天',
  back: '返回会话列表',
  conversations: '会话',
  messages: '消息',
  placeholder: '输入消息…',
  pick: '选择一个会话',
};

export function widgetStrings(locale: Locale): WidgetStrings {
  return locale === 'zh-CN' ? zhCN : en;
}
