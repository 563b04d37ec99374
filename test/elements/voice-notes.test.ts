/**
 * Voice notes from `<message-composer>` in real Chromium with its fake microphone (a tone; see
 * web-test-runner.config.mjs), through the real upload path and server: press to start and again
 * to send (keyboard), hold and release (pointer), slide away or Escape to cancel, the level
 * meter moving, the message sent as a sound elem with its duration and played back in the
 * thread; the bar shown while the browser asks for the microphone (the first press fetches it);
 * a hold begun before that code is in (its presses handed over once it is); and the message shown where the page may not use the microphone.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatMessage } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connectPair, part, type Pair } from './helpers.js';

const sounds = (messages: ChatMessage[]) => messages.filter((m) => m.elem.type === 'sound');

describe('voice notes', () => {
  let { aliceId, bobId, alice, bob } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice, bob } = await connectPair());
  });
  afterEach(closeClients);

  async function composer(): Promise<MessageComposer> {
    return fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);
  }
  /** Holds the composer's record button for about a second and releases it: one voice note sent. Answers the button's centre. */
  async function holdToSend(el: MessageComposer): Promise<[number, number]> {
    const [x, y] = centre(part(el, 'record-button')!);
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await waitUntil(() => part(el, 'recorder-time'), 'holding should record (once the code is in)');
    expect(part(el, 'recorder-hint')!.textContent).to.contain('Release to send');
    await new Promise((r) => setTimeout(r, 900));
    await sendMouse({ type: 'up' });
    await waitUntil(() => sounds(alice.messages(`p2p:${bobId}`).get()).length === 1, 'releasing should send');
    return [x, y];
  }

  /**
   * Runs `use` on a composer in a frame with its own copy of the elements (so its first press
   * fetches the recording code), whose permissions policy for the microphone is `allow`. The frame
   * sits at the page's top left, so a point in it is the same point on the page.
   */
  async function inFrame(allow: string, use: (inner: MessageComposer) => Promise<void>): Promise<void> {
    const frame = document.createElement('iframe');
    frame.setAttribute('allow', allow);
    frame.style.cssText = 'position: fixed; inset: 0 auto auto 0; width: 480px; height: 300px; border: 0';
    frame.srcdoc = `<!doctype html><script>window.process = { env: { NODE_ENV: 'development' } };</script>
      <script type="module">import '/src/elements/define.ts'; window.ready = true;</script><body style="margin: 0"></body>`;
    document.body.append(frame);
    try {
      await waitUntil(() => (frame.contentWindow as (Window & { ready?: boolean }) | null)?.ready, 'the frame should load the elements');
      const inner = frame.contentDocument!.createElement('message-composer') as MessageComposer;
      inner.client = alice;
      inner.conversation = `p2p:${bobId}`;
      frame.contentDocument!.body.append(inner);
      await inner.updateComplete;
      await use(inner);
    } finally {
      frame.remove();
    }
  }
  const centre = (el: Element): [number, number] => {
    const r = el.getBoundingClientRect();
    return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];
  };

  it('records from the keyboard with a timer and a moving level, sends a sound with its duration, and the peer plays it', async () => {
    const el = await composer();
    const button = part<HTMLButtonElement>(el, 'record-button')!;
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(el, 'recorder-time'), 'the recorder should start');
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(part(el, 'recorder-hint')!.textContent).to.contain('again to send');
    let loudest = 0;
    await waitUntil(() => {
      loudest = Math.max(loudest, Number(part(el, 'level-meter')!.getAttribute('aria-valuenow')));
      return part(el, 'recorder-time')!.textContent === '0:01';
    }, 'the timer should reach a second');
    expect(loudest, 'the fake microphone plays a tone').to.be.greaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(part(el, 'recorder')).to.equal(null);

    const thread = alice.messages(`p2p:${bobId}`);
    await waitUntil(() => sounds(thread.get()).some((m) => m.status === 'sent'), 'the voice note should be uploaded and sent');
    const sent = sounds(thread.get())[0]!;
    if (sent.elem.type !== 'sound') throw new Error('not a sound');
    expect(sent.elem.duration).to.be.within(1.1, 3);
    expect(sent.elem.mime).to.match(/^audio\/(webm|ogg|mp4)$/);
    expect(sent.elem.size).to.be.greaterThan(1000);

    const view = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 400px; display: flex" .client=${bob} conversation=${`p2p:${aliceId}`}></chat-thread>`);
    await waitUntil(() => part<HTMLAudioElement>(view, 'audio')?.getAttribute('src'), 'bob should get a playable voice note');
    const audio = part<HTMLAudioElement>(view, 'audio')!;
    expect(audio.getAttribute('aria-label')).to.match(/^Voice message, 0:0[1-3]$/);
    audio.muted = true;
    await audio.play();
    await waitUntil(() => audio.currentTime > 0.2, 'the voice note should play');
    audio.pause();
  });

  it('records while held and sends on release; sliding away or Escape cancels', async () => {
    const el = await composer();
    const button = part<HTMLButtonElement>(el, 'record-button')!;
    const [x, y] = await holdToSend(el);

    // Held, then slid away: dropped.
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await waitUntil(() => part(el, 'recorder-time'), 'holding should record again');
    await new Promise((r) => setTimeout(r, 600));
    await sendMouse({ type: 'move', position: [x - 200, y - 150] });
    await waitUntil(() => !part(el, 'recorder'), 'sliding away should cancel');
    await sendMouse({ type: 'up' });

    // Tapped with the mouse (it keeps recording), then Escape, as the hint says: dropped.
    (document.activeElement as HTMLElement | null)?.blur();
    await sendMouse({ type: 'move', position: [x, y] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'up' });
    await waitUntil(() => part(el, 'recorder-time'), 'a tap should record');
    expect(part(el, 'recorder-hint')!.textContent).to.contain('Escape');
    await new Promise((r) => setTimeout(r, 600));
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(el, 'recorder'), 'Escape should cancel a recording started by a tap');

    // Started from the keyboard, then Escape: dropped.
    button.focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => part(el, 'recorder-time'), 'Space should start recording');
    await new Promise((r) => setTimeout(r, 700));
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(el, 'recorder'), 'Escape should cancel');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'record-button'));
    await new Promise((r) => setTimeout(r, 500));
    expect(sounds(alice.messages(`p2p:${bobId}`).get())).to.have.length(1);
  });

  it('shows the recording bar, the button pressed and focused, while the browser asks for the microphone', async () => {
    // The browser's question, held open: the real microphone answers once the test lets it.
    const devices = navigator.mediaDevices;
    const ask = devices.getUserMedia.bind(devices);
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    devices.getUserMedia = async (constraints) => {
      await answered;
      return ask(constraints);
    };
    try {
      const el = await composer();
      const button = part<HTMLButtonElement>(el, 'record-button')!;
      button.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => part(el, 'recorder'), 'the bar should show while the microphone is asked for');
      expect(part(el, 'recorder-time')!.textContent).to.equal('0:00');
      expect(part(el, 'record-button')!.getAttribute('aria-pressed')).to.equal('true');
      expect(el.shadowRoot!.activeElement).to.equal(part(el, 'record-button'));
      answer();
      await waitUntil(() => part(el, 'level-meter')?.getAttribute('aria-valuenow') !== '0', 'the recording should start once allowed');
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !part(el, 'recorder'), 'Escape should cancel');
    } finally {
      devices.getUserMedia = ask;
    }
  });

  it('records a hold that starts before the recording code is in, and sends it on release', async () => {
    await inFrame('microphone', async (inner) => {
      await holdToSend(inner);
    });
  });

  it('says so where the page may not use the microphone', async () => {
    await inFrame("microphone 'none'", async (inner) => {
      part<HTMLButtonElement>(inner, 'record-button')!.click();
      await waitUntil(() => part(inner, 'record-error'), 'the refusal should show');
      expect(part(inner, 'record-error')!.getAttribute('role')).to.equal('alert');
      expect(part(inner, 'record-error')!.textContent).to.contain('Recording is not allowed');
      expect(part(inner, 'recorder')).to.equal(null);
    });
  });
});
