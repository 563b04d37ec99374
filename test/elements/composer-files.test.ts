import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient, ChatMessage } from '../../src/client/types.js';
import { localeReady } from '../../src/elements/i18n/localize.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { LIMITS } from '../../src/protocol/limits.js';
import { closeClients, connect, part, uniqueUser } from './helpers.js';

/** A real PNG of `width`×`height`, drawn on a canvas. */
async function png(name: string, width = 4, height = 3): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.fillRect(0, 0, width, height);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

function transfer(...items: (File | [type: string, data: string])[]): DataTransfer {
  const data = new DataTransfer();
  for (const item of items) {
    if (item instanceof File) data.items.add(item);
    else data.setData(item[0], item[1]);
  }
  return data;
}

describe('message-composer files', () => {
  let alice: ChatClient;
  let bob: ChatClient;
  let aliceId: string;
  let bobId: string;

  beforeEach(async () => {
    [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
    bob = await connect(bobId, 'Bob');
    alice = await connect(aliceId, 'Alice');
  });

  afterEach(closeClients);

  const composer = () => fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${bobId}"></message-composer>`);

  /** The first message bob receives from alice. */
  const bobReceives = () =>
    new Promise<ChatMessage>((resolve) => bob.addEventListener('message', (e) => resolve((e as CustomEvent<ChatMessage>).detail), { once: true }));

  it('sends a picked file as a file message (the attach button opens the picker)', async () => {
    const el = await composer();
    const input = part<HTMLInputElement>(el, 'file-input')!;
    expect(input.type).to.equal('file');
    expect(input.multiple).to.equal(true);
    let opened = false;
    input.addEventListener('click', (e) => {
      opened = true;
      e.preventDefault(); // no native chooser in a test
    });
    const button = part<HTMLButtonElement>(el, 'attach-button')!;
    expect(button.getAttribute('aria-label')).to.equal('Attach files');
    button.click();
    expect(opened).to.equal(true);

    const received = bobReceives();
    input.files = transfer(new File(['meeting notes'], 'notes.txt', { type: 'text/plain' })).files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const message = await received;
    expect(message.elem).to.include({ type: 'file', name: 'notes.txt', size: 13 });
    expect(input.value, 'cleared so the same file can be picked again').to.equal('');
    const own = alice.messages(`p2p:${bobId}`);
    await waitUntil(() => own.get()[0]?.status === 'sent', 'alice’s file message should be acked');
    expect(own.get()).to.have.length(1);
  });

  it('passes `accept` to the file input', async () => {
    const el = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation="p2p:${bobId}" accept="image/*"></message-composer>`);
    expect(part<HTMLInputElement>(el, 'file-input')!.accept).to.equal('image/*');
  });

  it('shows a drop target while files are dragged over it and sends what is dropped', async () => {
    const el = await composer();
    const image = await png('dot.png');
    const data = transfer(image);
    const textarea = part(el, 'input')!;
    textarea.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    const over = new DragEvent('dragover', { dataTransfer: data, bubbles: true, composed: true, cancelable: true });
    textarea.dispatchEvent(over);
    expect(over.defaultPrevented, 'dragover must be accepted for the drop to happen').to.equal(true);
    await el.updateComplete;
    const zone = part(el, 'drop-zone')!;
    expect(zone.textContent).to.contain('Drop files');
    expect(getComputedStyle(zone).display).to.not.equal('none');

    const received = bobReceives();
    const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true });
    textarea.dispatchEvent(drop);
    expect(drop.defaultPrevented).to.equal(true);
    await el.updateComplete;
    expect(part(el, 'drop-zone')).to.equal(null);
    const message = await received;
    expect(message.elem).to.include({ type: 'image', width: 4, height: 3, mime: 'image/png' });
  });

  it('hides the drop target when the drag leaves', async () => {
    const el = await composer();
    const data = transfer(new File(['x'], 'x.txt', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    part(el, 'input')!.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('dragleave', { dataTransfer: data, bubbles: true, composed: true }));
    await el.updateComplete;
    expect(part(el, 'drop-zone'), 'still over a child').to.not.equal(null);
    part(el, 'input')!.dispatchEvent(new DragEvent('dragleave', { dataTransfer: data, bubbles: true, composed: true }));
    await el.updateComplete;
    expect(part(el, 'drop-zone')).to.equal(null);
  });

  it('sends a pasted image instead of pasting it as text', async () => {
    const el = await composer();
    const textarea = part<HTMLTextAreaElement>(el, 'input')!;
    textarea.focus();
    const received = bobReceives();
    const paste = new ClipboardEvent('paste', { clipboardData: transfer(await png('screenshot.png', 8, 6)), bubbles: true, composed: true, cancelable: true });
    textarea.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    const message = await received;
    expect(message.elem).to.include({ type: 'image', width: 8, height: 6 });
    expect(textarea.value).to.equal('');
  });

  it('leaves a rich-text paste (text with a picture of it) to the text area', async () => {
    const el = await composer();
    const textarea = part<HTMLTextAreaElement>(el, 'input')!;
    const data = transfer(['text/plain', 'quarterly numbers'], ['text/rtf', '{\\rtf1 quarterly numbers}'], await png('render.png'));
    const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true, cancelable: true });
    textarea.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(false);
    expect(alice.messages(`p2p:${bobId}`).get()).to.have.length(0);
  });

  it('refuses a file over its limit at once with a message, and sends nothing', async () => {
    const el = await composer();
    const big = new File([new Uint8Array(LIMITS.imageBytes + 1)], 'holiday.png', { type: 'image/png' });
    const small = new File(['ok'], 'small.txt', { type: 'text/plain' });
    const received = bobReceives();
    part(el, 'input')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(big, small), bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    const error = part(el, 'file-error')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.contain('holiday.png').and.to.contain('too large').and.to.contain('28 MB');
    expect(part(el, 'input')!.getAttribute('aria-describedby')).to.contain(error.id);
    // The small one still goes; the big one never becomes a message or an upload.
    expect((await received).elem).to.include({ type: 'file', name: 'small.txt' });
    const own = alice.messages(`p2p:${bobId}`).get();
    expect(own.map((m) => m.elem.type === 'file' && m.elem.name)).to.deep.equal(['small.txt']);
    expect(alice.$uploads.get()).to.deep.equal({});

    // The next keystroke clears it.
    const textarea = part<HTMLTextAreaElement>(el, 'input')!;
    textarea.value = 'a';
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(part(el, 'file-error')).to.equal(null);
  });

  it('says it in Chinese under lang="zh-CN"', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="zh-CN"><message-composer .client=${alice} conversation="p2p:${bobId}"></message-composer></div>`);
    const el = wrapper.querySelector('message-composer')!;
    await localeReady();
    await el.updateComplete;
    const video = new File([new Uint8Array(LIMITS.videoBytes + 1)], '视频.mp4', { type: 'video/mp4' });
    part(el, 'input')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(video), bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    expect(part(el, 'file-error')!.textContent).to.contain('“视频.mp4”过大').and.to.contain('100 MB');
    expect(part(el, 'attach-button')!.getAttribute('aria-label')).to.equal('添加文件');
    expect(alice.messages(`p2p:${bobId}`).get()).to.have.length(0);
  });
});
