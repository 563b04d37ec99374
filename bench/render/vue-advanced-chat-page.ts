/** vue-advanced-chat's render page: one room holding the same N messages (props as properties). */
import { register } from 'vue-advanced-chat';
import { NEWEST, textOf } from './messages.js';
import { install, params, whenOnScreen } from './measure.js';

register();
const n = Number(params().get('n'));
let messages: Record<string, unknown>[] = [];
const users = [
  { _id: 'me', username: 'Me' },
  { _id: 'peer', username: 'Peer' },
];

install({
  async prepare() {
    const start = Date.now() - n * 1000;
    const at = (i: number) => new Date(start + i * 1000);
    const one = (i: number, text: string) => ({
      _id: String(i),
      content: text,
      senderId: i % 2 ? 'peer' : 'me',
      username: i % 2 ? 'Peer' : 'Me',
      timestamp: at(i).toTimeString().slice(0, 5),
      date: at(i).toDateString(),
      seen: true, // history already read: the component opens at the newest, not at a divider
    });
    messages = Array.from({ length: n - 1 }, (_, i) => one(i, textOf(i)));
    messages.push(one(n - 1, NEWEST));
  },
  show(capMs) {
    const chat = document.createElement('vue-advanced-chat') as HTMLElement & Record<string, unknown>;
    chat.height = '100vh';
    chat.currentUserId = 'me';
    chat.singleRoom = true;
    chat.rooms = [{ roomId: 'room', roomName: 'Room', users }];
    chat.roomId = 'room';
    // The component asks for a room's messages when it opens it (`fetch-messages`) and expects
    // them later (it starts watching for them after the event): answer on the next task.
    chat.addEventListener('fetch-messages', () =>
      setTimeout(() => {
        chat.messages = messages;
        chat.messagesLoaded = true;
      }),
    );
    // Emoji pickers fetch their data from a CDN; the benchmark is offline and measures messages.
    chat.showEmojis = false;
    chat.showReactionEmojis = false;
    chat.emojisSuggestionEnabled = false;
    const t0 = performance.now();
    document.body.append(chat);
    return whenOnScreen(NEWEST, t0, capMs);
  },
});
