/** deep-chat's render page: the same N messages as `history`, `maxVisibleMessages` raised to N. */
import 'deep-chat';
import { NEWEST, textOf } from './messages.js';
import { install, params, whenOnScreen } from './measure.js';

const n = Number(params().get('n'));
let history: { role: string; text: string }[] = [];

install({
  async prepare() {
    history = Array.from({ length: n - 1 }, (_, i) => ({ role: i % 2 ? 'ai' : 'user', text: textOf(i) }));
    history.push({ role: 'ai', text: NEWEST });
  },
  show(capMs) {
    const chat = document.createElement('deep-chat') as unknown as HTMLElement & Record<string, unknown>;
    chat.demo = true; // no AI service: a plain message list
    chat.maxVisibleMessages = n + 10;
    chat.chatStyle = { width: '100vw', height: '100vh', border: 'none' };
    chat.history = history;
    const t0 = performance.now();
    document.body.append(chat);
    return whenOnScreen(NEWEST, t0, capMs);
  },
});
