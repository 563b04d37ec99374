import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Elem, Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey, p2pKey } from '../../../src/server/core/conversation-key.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import type { Store } from '../../../src/server/core/store.js';
import type { SearchFilter } from '../../../src/server/core/types.js';
import { changeDraft } from './store-changes-contract.js';
import { draft } from './store-contract.js';

/** A message of `elem` with a time-ordered id (search pages newest first by id). */
export async function send(s: Store, key: string, sender: string, elem: Elem | string, visibleTo?: string[], over: Partial<Message> = {}): Promise<Message> {
  const e: Elem = typeof elem === 'string' ? { type: 'text', text: elem } : elem;
  const [o] = await s.commitMessages([draft(key, sender, { id: newMessageId(), elem: e, ...over }, visibleTo)]);
  return o!.status === 'committed' ? o!.message : assert.fail(o!.status);
}

/** The texts `viewer` finds for `query`, newest first. */
export async function find(s: Store, viewer: string, query: string, over: { key?: string; before?: string; limit?: number; filter?: SearchFilter } = {}): Promise<string[]> {
  const found = await s.searchMessages(viewer, { terms: searchTerms(query, true)!, limit: over.limit ?? 20, ...over });
  return found.map((m) => {
    const e = m.elem;
    return e.type === 'text' ? e.text : e.type === 'file' ? e.name : e.type === 'location' || e.type === 'custom' ? e.description ?? '' : e.type;
  });
}

/** The search part of the Store contract (SPEC §12): registered inside storeContract's describe. */
export function searchContract(store: () => Store): void {
  it('search: finds Latin words, prefixes and substrings case- and accent-insensitively, newest first, every term required', async () => {
    const s = store();
    await s.createGroup({ id: 'se1', name: 'S', createdAt: 1, historyVisibility: 'all' }, ['sa', 'sb']);
    const k = groupKey('se1');
    await send(s, k, 'sa', 'The quick brown Fox');
    await send(s, k, 'sb', 'A café in Zürich');
    await send(s, k, 'sa', 'foxes and hounds');
    assert.deepEqual(await find(s, 'sb', 'fox'), ['foxes and hounds', 'The quick brown Fox']);
    assert.deepEqual(await find(s, 'sb', 'FOXES'), ['foxes and hounds']);
    assert.deepEqual(await find(s, 'sb', 'qui'), ['The quick brown Fox']);
    assert.deepEqual(await find(s, 'sb', 'cafe zurich'), ['A café in Zürich']);
    assert.deepEqual(await find(s, 'sb', 'CAFÉ'), ['A café in Zürich']);
    assert.deepEqual(await find(s, 'sb', 'fox brown'), ['The quick brown Fox']);
    assert.deepEqual(await find(s, 'sb', 'fox zebra'), []);
  });

  it('search: finds Chinese without spaces (two characters too), mixed scripts, file names and descriptions', async () => {
    const s = store();
    await s.createGroup({ id: 'se2', name: 'S', createdAt: 1 }, ['sa', 'sb']);
    const k = groupKey('se2');
    await send(s, k, 'sa', '一只斑马在跑');
    await send(s, k, 'sa', '明天 meeting 在会议室');
    await send(s, k, 'sa', { type: 'file', url: '/files/x', name: 'Quarterly-Report.pdf', size: 10, mime: 'application/pdf' });
    await send(s, k, 'sa', { type: 'location', description: 'Zebra crossing, 斑马线', latitude: 1, longitude: 2 });
    await send(s, k, 'sa', { type: 'custom', data: '{"zebra":1}', description: 'Order #4411 shipped' });
    await send(s, k, 'sa', { type: 'custom', data: 'zebra-only-in-data' });
    assert.deepEqual(await find(s, 'sb', '斑马'), ['Zebra crossing, 斑马线', '一只斑马在跑']);
    assert.deepEqual(await find(s, 'sb', '斑马在跑'), ['一只斑马在跑']);
    assert.deepEqual(await find(s, 'sb', '马'), ['Zebra crossing, 斑马线', '一只斑马在跑']);
    assert.deepEqual(await find(s, 'sb', 'meeting 会议'), ['明天 meeting 在会议室']);
    assert.deepEqual(await find(s, 'sb', 'report'), ['Quarterly-Report.pdf']);
    assert.deepEqual(await find(s, 'sb', 'zebra'), ['Zebra crossing, 斑马线']);
    assert.deepEqual(await find(s, 'sb', '4411'), ['Order #4411 shipped']);
    assert.deepEqual(await find(s, 'sb', '%'), [], 'LIKE wildcards are plain characters');
    // Query syntax of FTS5 and LIKE is plain text too: nothing throws, nothing matches by accident.
    for (const q of ['"', '"""', 'a"b OR c*', 'NEAR(zebra 斑马)', 'zebra*', '%_\\', '{col}: x', '^zebra', '-zebra']) {
      assert.deepEqual(await find(s, 'sb', q), [], JSON.stringify(q));
    }
    // Controls (NUL too) separate words.
    assert.deepEqual(await find(s, 'sb', '\u0000zebra\u0001cross'), ['Zebra crossing, 斑马线']);
    await send(s, k, 'sa', 'odd "quoted" 100%_done \\path');
    assert.deepEqual(await find(s, 'sb', '"quoted"'), ['odd "quoted" 100%_done \\path']);
    assert.deepEqual(await find(s, 'sb', '%_d'), ['odd "quoted" 100%_done \\path']);
    assert.deepEqual(await find(s, 'sb', '\\pa'), ['odd "quoted" 100%_done \\path']);
  });

  it('search: a term is found where a word begins (after a space, punctuation or a Chinese character), not inside a Latin word', async () => {
    const s = store();
    await s.createGroup({ id: 'se7', name: 'S', createdAt: 1 }, ['wa', 'wb']);
    const k = groupKey('se7');
    await send(s, k, 'wa', 'quickstep');
    await send(s, k, 'wa', 'see Quarterly-Report.pdf');
    await send(s, k, 'wa', '下载report文件');
    assert.deepEqual(await find(s, 'wb', 'quick'), ['quickstep']);
    assert.deepEqual(await find(s, 'wb', 'uick'), []);
    assert.deepEqual(await find(s, 'wb', 'step'), []);
    assert.deepEqual(await find(s, 'wb', 'report'), ['下载report文件', 'see Quarterly-Report.pdf']);
    assert.deepEqual(await find(s, 'wb', 'port'), []);
    assert.deepEqual(await find(s, 'wb', 'report.pd'), ['see Quarterly-Report.pdf'], 'a term across punctuation');
    assert.deepEqual(await find(s, 'wb', '-report'), ['see Quarterly-Report.pdf'], 'a term starting with punctuation');
    assert.deepEqual(await find(s, 'wb', '载repo'), ['下载report文件'], 'Chinese then Latin in one term');
    assert.deepEqual(await find(s, 'wb', 're 文件'), ['下载report文件'], 'a two-letter word is checked on the text');
    assert.deepEqual(await find(s, 'wb', 'ep'), []);
  });

  it('search: one conversation or all of the viewer\'s, paged by the last id', async () => {
    const s = store();
    await s.createGroup({ id: 'se3', name: 'S', createdAt: 1 }, ['sa', 'sb']);
    const g = groupKey('se3');
    const p = p2pKey('sa', 'sb');
    const sent: Message[] = [];
    for (let i = 1; i <= 5; i++) sent.push(await send(s, i % 2 ? g : p, 'sa', `pager ${i}`));
    assert.deepEqual(await find(s, 'sb', 'pager'), ['pager 5', 'pager 4', 'pager 3', 'pager 2', 'pager 1']);
    assert.deepEqual(await find(s, 'sb', 'pager', { key: p }), ['pager 4', 'pager 2']);
    const first = await s.searchMessages('sb', { terms: ['pager'], limit: 2 });
    assert.deepEqual(first.map((m) => m.id), [sent[4]!.id, sent[3]!.id]);
    assert.deepEqual(await find(s, 'sb', 'pager', { before: first[1]!.id, limit: 2 }), ['pager 3', 'pager 2']);
    assert.deepEqual(await find(s, 'sb', 'pager', { before: sent[0]!.id }), []);
    assert.deepEqual(await find(s, 'sc', 'pager'), [], 'not a member of either');
  });

  it('search: never finds messages targeted at someone else, from before a since-join member joined, or of a conversation left', async () => {
    const s = store();
    await s.createGroup({ id: 'se4', name: 'S', createdAt: 1, historyVisibility: 'since-join' }, ['sa', 'sb', 'sc']);
    const k = groupKey('se4');
    await send(s, k, 'sa', 'walrus early');
    await send(s, k, 'sa', 'walrus for b only', ['sa', 'sb']);
    assert.deepEqual(await find(s, 'sb', 'walrus'), ['walrus for b only', 'walrus early']);
    assert.deepEqual(await find(s, 'sc', 'walrus'), ['walrus early']);
    assert.deepEqual(await find(s, 'sa', 'walrus'), ['walrus for b only', 'walrus early'], 'the sender sees own targeted');
    await s.addGroupMember('se4', 'sd');
    await send(s, k, 'sb', 'walrus late');
    assert.deepEqual(await find(s, 'sd', 'walrus'), ['walrus late']);
    assert.deepEqual(await find(s, 'sd', 'wa'), ['walrus late'], 'a two-letter query keeps the rules too');
    await s.createGroup({ id: 'se5', name: 'S', createdAt: 1, historyVisibility: 'all' }, ['sa']);
    await send(s, groupKey('se5'), 'sa', 'walrus before join, visible to all');
    await s.addGroupMember('se5', 'sd');
    assert.deepEqual(await find(s, 'sd', 'walrus'), ['walrus before join, visible to all', 'walrus late']);
    await s.removeGroupMember('se4', 'sc');
    assert.deepEqual(await find(s, 'sc', 'walrus'), []);
    assert.deepEqual(await find(s, 'sc', 'walrus', { key: k }), []);
  });

  it('search: an edit is found by its new text only; a recalled message is never found; other changes keep it', async () => {
    const s = store();
    await s.createGroup({ id: 'se6', name: 'S', createdAt: 1 }, ['sa', 'sb']);
    const k = groupKey('se6');
    const m1 = await send(s, k, 'sa', 'original narwhal', undefined, { time: 1990 });
    const m2 = await send(s, k, 'sa', 'narwhal to recall 斑马', undefined, { time: 1990 });
    await s.commitChange(changeDraft(k, 'sb', m1.id, { kind: 'reaction', emoji: '👍', on: true }));
    assert.deepEqual(await find(s, 'sb', 'narwhal'), ['narwhal to recall 斑马', 'original narwhal']);
    const edited = await s.commitChange(changeDraft(k, 'sa', m1.id, { kind: 'edit', text: 'edited beluga' }));
    assert.equal(edited.status, 'committed');
    assert.deepEqual(await find(s, 'sb', 'narwhal'), ['narwhal to recall 斑马']);
    assert.deepEqual(await find(s, 'sb', 'beluga'), ['edited beluga']);
    const recalled = await s.commitChange(changeDraft(k, 'sa', m2.id, { kind: 'recall' }));
    assert.equal(recalled.status, 'committed');
    assert.deepEqual(await find(s, 'sb', 'narwhal'), []);
    assert.deepEqual(await find(s, 'sb', '斑马', { key: k }), []);
    assert.deepEqual(await find(s, 'sb', 'recall'), [], 'nor the change events themselves');
  });

  it('search filters: sender, id bounds and elem type, alone and combined, in one conversation or all; visibility, floor and recall still hold', async () => {
    const s = store();
    await s.createGroup({ id: 'sf1', name: 'S', createdAt: 1, historyVisibility: 'since-join' }, ['sa', 'sb', 'sc']);
    const g = groupKey('sf1');
    const p = p2pKey('sa', 'sb');
    const m1 = await send(s, g, 'sa', 'okapi one');
    const m2 = await send(s, g, 'sb', 'okapi two');
    await send(s, p, 'sa', { type: 'file', url: '/files/o', name: 'okapi-three.pdf', size: 1, mime: 'application/pdf' });
    const m4 = await send(s, g, 'sa', 'okapi four for c only', ['sa', 'sc']);
    await send(s, g, 'sa', { type: 'location', description: 'okapi five place', latitude: 1, longitude: 2 });
    const m6 = await send(s, p, 'sb', 'okapi six');
    const all = ['okapi six', 'okapi five place', 'okapi-three.pdf', 'okapi two', 'okapi one'];
    assert.deepEqual(await find(s, 'sb', 'okapi'), all);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { sender: 'sa' } }), ['okapi five place', 'okapi-three.pdf', 'okapi one']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { sender: 'sa' }, key: g }), ['okapi five place', 'okapi one']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { sender: 'nobody' } }), []);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { kind: 'file' } }), ['okapi-three.pdf']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { kind: 'location' }, key: g }), ['okapi five place']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { kind: 'text' } }), ['okapi six', 'okapi two', 'okapi one']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { idBelow: m4.id } }), ['okapi-three.pdf', 'okapi two', 'okapi one']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { idAbove: m2.id } }), ['okapi six', 'okapi five place', 'okapi-three.pdf']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { idAbove: m1.id, idBelow: m6.id }, key: g }), ['okapi five place', 'okapi two']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { idAbove: m1.id, idBelow: m6.id, sender: 'sa', kind: 'text' } }), []);
    assert.deepEqual(await find(s, 'sb', 'okap', { filter: { idAbove: m1.id, sender: 'sb', kind: 'text' } }), ['okapi six', 'okapi two']);
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { sender: 'sa' }, limit: 1, before: m4.id }), ['okapi-three.pdf'], 'with the page cursor');
    // Targeted at someone else, before the viewer joined, recalled: never found, whatever the filter.
    assert.deepEqual(await find(s, 'sc', 'okapi', { filter: { sender: 'sa', kind: 'text' } }), ['okapi four for c only', 'okapi one']);
    assert.deepEqual(await find(s, 'sb', 'okapi four', { filter: { sender: 'sa' } }), []);
    await s.addGroupMember('sf1', 'sd');
    await send(s, g, 'sa', 'okapi seven');
    assert.deepEqual(await find(s, 'sd', 'okapi', { filter: { sender: 'sa' } }), ['okapi seven']);
    assert.deepEqual(await find(s, 'sd', 'okapi', { filter: { idBelow: m6.id }, key: g }), []);
    await s.commitChange(changeDraft(g, 'sa', m1.id, { kind: 'recall' }));
    assert.deepEqual(await find(s, 'sb', 'okapi', { filter: { sender: 'sa', kind: 'text' } }), ['okapi seven']);
  });

  it('search without words: every message the filters let through, newest first, pictures, media, files and links by kind; visibility, floor, recall and edits hold', async () => {
    const s = store();
    await s.createGroup({ id: 'sn1', name: 'S', createdAt: 1, historyVisibility: 'since-join' }, ['na', 'nb', 'nc']);
    const g = groupKey('sn1');
    const p = p2pKey('na', 'nb');
    const image = (name: string): Elem => ({ type: 'image', url: `/files/${name}`, width: 10, height: 10, size: 1, mime: 'image/png' });
    const pic1 = await send(s, g, 'na', image('p1'));
    await send(s, g, 'na', 'look at https://example.com/a now');
    await send(s, g, 'nb', 'plain words');
    await send(s, p, 'na', image('p2'));
    await send(s, p, 'na', { type: 'file', url: '/files/f', name: 'minutes.pdf', size: 1, mime: 'application/pdf' });
    await send(s, g, 'na', { type: 'sound', url: '/files/s', size: 1, duration: 2 });
    await send(s, g, 'na', { type: 'video', url: '/files/v', size: 1, duration: 2, mime: 'video/mp4' });
    await send(s, g, 'na', image('p3 for c only'), ['na', 'nc']);
    const plain = await send(s, g, 'na', 'no address, just www dot');
    await send(s, g, 'nb', 'WWW.Example.org in capitals');
    await send(s, g, 'na', { type: 'system', text: 'sa joined', event: 'join' } as unknown as Elem);
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'image' } }), ['image', 'image']);
    assert.deepEqual((await s.searchMessages('nb', { terms: [], limit: 20, filter: { kind: 'image' } })).map((m) => (m.elem as { url: string }).url), ['/files/p2', '/files/p1']);
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'image' }, key: g }), ['image']);
    assert.deepEqual(await find(s, 'nc', '', { filter: { kind: 'image', sender: 'na' } }), ['image', 'image'], 'the targeted one too, not the 1:1 chat');
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'link' } }), ['WWW.Example.org in capitals', 'look at https://example.com/a now']);
    assert.deepEqual(await find(s, 'nb', 'look', { filter: { kind: 'link' } }), ['look at https://example.com/a now'], 'words and a kind');
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'sound' } }), ['sound']);
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'video' } }), ['video']);
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'file' } }), ['minutes.pdf']);
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'text', sender: 'nb' } }), ['WWW.Example.org in capitals', 'plain words']);
    // Everything from a sender, no system note; paged with the cursor.
    const fromA = ['no address, just www dot', 'video', 'sound', 'minutes.pdf', 'image', 'look at https://example.com/a now', 'image'];
    assert.deepEqual(await find(s, 'nb', '', { filter: { sender: 'na' } }), fromA);
    assert.deepEqual(await find(s, 'nb', '', { filter: { sender: 'na' }, limit: 2, before: plain.id }), fromA.slice(1, 3));
    assert.deepEqual(await find(s, 'nb', '', { filter: { idBelow: pic1.id } }), []);
    assert.deepEqual(await find(s, 'nb', '', { filter: { idAbove: plain.id } }), ['WWW.Example.org in capitals']);
    // A late member sees nothing before their join; a recalled picture is found no more; an edit adding an address makes a link.
    await s.addGroupMember('sn1', 'nd');
    assert.deepEqual(await find(s, 'nd', '', { filter: { sender: 'na' } }), []);
    await s.commitChange(changeDraft(g, 'na', pic1.id, { kind: 'recall' }));
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'image' } }), ['image']);
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'image' }, key: g }), []);
    await s.commitChange(changeDraft(g, 'na', plain.id, { kind: 'edit', text: 'now with http://x.example' }));
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'link', sender: 'na' } }), ['now with http://x.example', 'look at https://example.com/a now']);
    // A text holding NUL (which PostgreSQL text cannot hold): committed, and a link.
    await send(s, g, 'na', 'nul\u0000 HTTPS://nul.example');
    assert.deepEqual(await find(s, 'nb', '', { filter: { kind: 'link', sender: 'na' }, limit: 1 }), ['nul\u0000 HTTPS://nul.example']);
    assert.deepEqual(await find(s, 'nb', 'nul', { filter: { kind: 'text' } }), ['nul\u0000 HTTPS://nul.example'], 'a kind read from such a body');
    assert.deepEqual(await find(s, 'nb', '', { filter: { sender: 'na' }, limit: 1 }), ['nul\u0000 HTTPS://nul.example']);
  });
}
