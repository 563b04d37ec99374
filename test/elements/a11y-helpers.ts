// Helpers for the accessibility, theming, keyboard and RTL suites: axe-core loaded into the test
// page from node_modules (the dev server serves it as a plain file), the focused element across
// shadow roots, and admin broadcasts through the test runner's route.
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import { waitUntil } from '@open-wc/testing';
import type { Broadcast } from '../../src/protocol/frames.js';
import { connectTrio, type Trio } from './helpers.js';

interface Axe {
  run(context: Element | Document, options: RunOptions): Promise<AxeResults>;
}

let loading: Promise<Axe> | undefined;

/** axe-core's browser build, as a classic script (it registers `window.axe`). */
export function loadAxe(): Promise<Axe> {
  loading ??= new Promise<Axe>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: Axe }).axe);
    script.onerror = () => reject(new Error('axe-core could not be loaded from /node_modules/axe-core/axe.min.js'));
    document.head.append(script);
  });
  return loading;
}

/**
 * Rules about the whole page, not a component: the host page owns its landmarks, its `<main>`
 * and its `<h1>`. Everything else in WCAG 2.x A/AA and axe's best practices runs.
 */
const PAGE_LEVEL_RULES = ['region', 'landmark-one-main', 'page-has-heading-one', 'bypass'];

export interface Violation {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  /** One line per offending node: its selector path (through shadow roots) and axe's summary. */
  nodes: string[];
}

/**
 * axe-core's violations inside `context` (shadow roots included), shortened for a readable diff:
 * every WCAG 2.x A/AA rule and best practice, or only the given `rules`.
 */
export async function axeViolations(context: Element, rules?: string[]): Promise<Violation[]> {
  const axe = await loadAxe();
  settleAnimations();
  const results = await axe.run(context, {
    ...(rules
      ? { runOnly: { type: 'rule', values: rules } }
      : {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
          rules: Object.fromEntries(PAGE_LEVEL_RULES.map((id) => [id, { enabled: false }])),
        }),
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
  }));
}

/**
 * Brings the page's finite animations and transitions (a panel rising in, a colour
 * easing to its theme) to their end, shadow roots included: axe measures contrast
 * on the colours of the moment, and a half-faded notice is not what anyone reads.
 * Finished rather than awaited, as a page the browser draws no frames for holds
 * them at their first.
 */
function settleAnimations(root: Document | ShadowRoot = document): void {
  for (const el of root.querySelectorAll('*')) {
    for (const a of el.getAnimations()) if (a.effect?.getComputedTiming().endTime !== Infinity) a.finish();
    if (el.shadowRoot) settleAnimations(el.shadowRoot);
  }
}

/** The element focused now, looking into shadow roots. */
export function focused(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** Sends a broadcast through the real server's admin API (see web-test-runner.config.mjs). */
export async function broadcast(content: string, from?: string): Promise<Broadcast> {
  const query = new URLSearchParams({ content, ...(from ? { from } : {}) });
  const res = await fetch(`/__natter/broadcast?${query}`);
  if (!res.ok) throw new Error(`broadcast route: ${res.status}`);
  return (await res.json()) as Broadcast;
}

/** The texts `seedInbox` writes: Bob's name and message, Alice's answer, Carol's unread message. */
export interface InboxTexts {
  bobName: string;
  fromBob: string;
  toBob: string;
  fromCarol: string;
  /** Sent last, as [content, from], and waited for until Alice has them all. */
  broadcasts: [content: string, from: string][];
}

/** Alice and her contacts after `seedInbox`, and the id of Bob's message to her. */
export interface Inbox extends Trio {
  messageId: string;
}

/**
 * Fresh Alice, Bob and Carol with Alice's inbox filled: Bob writes to her and she answers, Carol's
 * message stays unread, `more` runs (e.g. a failed send), then the broadcasts reach her.
 */
export async function seedInbox(texts: InboxTexts, more?: (users: Trio) => Promise<unknown>): Promise<Inbox> {
  const users = await connectTrio(texts.bobName);
  const { aliceId, bobId, alice, bob, carol } = users;
  const messageId = (await bob.send(`p2p:${aliceId}`, texts.fromBob)).id;
  await alice.send(`p2p:${bobId}`, texts.toBob);
  await carol.send(`p2p:${aliceId}`, texts.fromCarol);
  await more?.(users);
  for (const [content, from] of texts.broadcasts) await broadcast(content, from);
  await waitUntil(() => alice.$broadcasts.get().length >= texts.broadcasts.length, 'alice should have the broadcasts');
  return { ...users, messageId };
}

/** Waits for two animation frames: styles and layout of the last change are applied. */
export function nextFrames(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}
