import type { Locale } from './locale.js';

/** Labels of `<message-composer>`, its emoji picker and its @mention list, per locale. */
const en = {
  input: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  tooLong: (bytes: string, limit: string) => `This message is too long to send: ${bytes} of ${limit} bytes. Shorten it or split it up.`,
  counter: (bytes: string, limit: string) => `${bytes} / ${limit} bytes`,
  attach: 'Attach files',
  dropFiles: 'Drop files to send them',
  fileTooLarge: (name: string, size: string, limit: string) => `“${name}” is too large to send (${size}; the limit for this kind of file is ${limit}).`,
  emoji: 'Emoji and stickers',
  emojiSearch: 'Search emoji',
  emojiCategories: 'Categories',
  emojiResults: 'Search results',
  emojiNone: 'No emoji match.',
  emojiLoading: 'Loading emoji…',
  emojiFailed: 'The emoji could not be loaded.',
  stickers: 'Stickers',
  categories: {
    smileys: 'Smileys',
    people: 'People and gestures',
    nature: 'Animals and nature',
    food: 'Food and drink',
    activities: 'Activities and travel',
    objects: 'Objects',
    symbols: 'Symbols',
  } as Record<string, string>,
  mentions: 'Mention someone',
  mentionAll: 'all',
  mentionAllHint: 'Everyone in this group',
  mentionLoading: 'Loading members…',
  suggestions: (n: number) => (n === 1 ? '1 suggestion. Arrow keys to choose, Enter to insert.' : `${n} suggestions. Arrow keys to choose, Enter to insert.`),
};

export type ComposerStrings = typeof en;

const zhCN: ComposerStrings = {
  input: '消息',
  placeholder: '输入消息…',
  send: '发送',
  tooLong: (bytes, limit) => `消息过长，无法发送：${bytes} / ${limit} 字节。请缩短或分开发送。`,
  counter: (bytes, limit) => `${bytes} / ${limit} 字节`,
  attach: '添加文件',
  dropFiles: '松开即可发送文件',
  fileTooLarge: (name, size, limit) => `“${name}”过大，无法发送（${size}；此类文件上限为 ${limit}）。`,
  emoji: '表情和贴纸',
  emojiSearch: '搜索表情',
  emojiCategories: '分类',
  emojiResults: '搜索结果',
  emojiNone: '没有匹配的表情。',
  emojiLoading: '正在加载表情…',
  emojiFailed: '表情加载失败。',
  stickers: '贴纸',
  categories: {
    smileys: '笑脸',
    people: '人物和手势',
    nature: '动物和自然',
    food: '食物和饮料',
    activities: '活动和旅行',
    objects: '物品',
    symbols: '符号',
  },
  mentions: '提及成员',
  mentionAll: '所有人',
  mentionAllHint: '群里的每个人',
  mentionLoading: '正在加载成员…',
  suggestions: (n) => `${n} 个建议。用方向键选择，按 Enter 插入。`,
};

export function composerStrings(locale: Locale): ComposerStrings {
  return locale === 'zh-CN' ? zhCN : en;
}
