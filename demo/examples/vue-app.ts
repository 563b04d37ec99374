// Natter's elements in a Vue 3 app. Tell Vue's template compiler that these tags are custom
// elements; Vue then sets properties (`:conversation`) and listens to their events (`@…`).
// In your app: `import 'natter/define'` instead of the source path below.
import '../../src/elements/define.js';
import { createApp, ref } from 'vue';

const user = new URLSearchParams(location.search).get('user') || 'vue-user';
const server = `${location.origin.replace(/^http/, 'ws')}/ws`;

const app = createApp({
  setup() {
    const token = ref('');
    const conversation = ref('group:demo');
    // Your backend signs the token; here the dev server's route does.
    void fetch(`/v1/dev/token?user=${encodeURIComponent(user)}`)
      .then((r) => r.json() as Promise<{ token: string }>)
      .then((body) => (token.value = body.token));
    const select = (e: CustomEvent<{ conversationId: string }>) => (conversation.value = e.detail.conversationId);
    return { token, conversation, server, select };
  },
  template: `
    <p v-if="!token">Connecting…</p>
    <chat-session v-else :server="server" :token="token">
      <div class="chat">
        <conversation-list :selected="conversation" @conversation-select="select"></conversation-list>
        <chat-thread :conversation="conversation"></chat-thread>
        <message-composer :conversation="conversation"></message-composer>
      </div>
      <p class="selected" data-testid="selected">Vue state: {{ conversation }}</p>
    </chat-session>
  `,
});
app.config.compilerOptions.isCustomElement = (tag) => ['chat-session', 'conversation-list', 'chat-thread', 'message-composer', 'chat-widget', 'broadcast-banner', 'forward-dialog'].includes(tag);
app.mount('#app');
