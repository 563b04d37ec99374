// Natter's elements in a React 19 app. React 19 sets properties on custom elements and turns
// `on<event-name>` props into listeners, so the tags are used like any other element.
// In your app: `import 'natter/define'` instead of the source path below.
import '../../src/elements/define.ts';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

const user = new URLSearchParams(location.search).get('user') || 'react-user';
const server = `${location.origin.replace(/^http/, 'ws')}/ws`;

function Chat() {
  const [token, setToken] = useState('');
  const [conversation, setConversation] = useState('group:demo');
  useEffect(() => {
    // Your backend signs the token; here the dev server's route does.
    fetch(`/v1/dev/token?user=${encodeURIComponent(user)}`)
      .then((r) => r.json())
      .then((body) => setToken(body.token));
  }, []);
  if (!token) return <p>Connecting…</p>;
  return (
    <chat-session server={server} token={token}>
      <div className="chat">
        <conversation-list selected={conversation} onconversation-select={(e) => setConversation(e.detail.conversationId)} />
        <chat-thread conversation={conversation} />
        <message-composer conversation={conversation} />
      </div>
      <p className="selected" data-testid="selected">React state: {conversation}</p>
    </chat-session>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <Chat />
  </StrictMode>,
);
