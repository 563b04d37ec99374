// <chat-widget> with `server` + `token` makes a client of its own: moving the element keeps it, a
// new token replaces it (the old one closed), and removing the element closes it.
import { ChatWidget } from '../../src/elements/chat-widget.js';
import { defineElements } from '../../src/elements/widget/define-elements.js';
import { closeClients, expectOwnClientLife, tokenFor, uniqueUser } from './helpers.js';

defineElements({ 'chat-widget': ChatWidget });

describe('chat-widget with a client of its own', function () {

  after(closeClients);

  it('keeps its client when moved, closes it for a new token, and closes the new one when removed', async () => {
    const { token, url } = await tokenFor(uniqueUser('gina'));
    const widget = document.createElement('chat-widget');
    widget.server = url;
    widget.token = token;
    document.body.append(widget);
    await widget.updateComplete;
    await expectOwnClientLife(widget);
  });
});
