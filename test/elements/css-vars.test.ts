/**
 * `cssVars()` (src/elements/css-vars.ts), which sets an element's private custom properties from
 * a template (avatars' hues, pictures' aspect ratios, the upload bar's value), in real Chromium.
 */
import { expect } from '@open-wc/testing';
import { html, render } from 'lit';
import { cssVars } from '../../src/elements/css-vars.js';

const show = (hue: number, w: number, into: HTMLElement) => render(html`<span style=${cssVars({ '--_hue': hue, '--_w': String(w) })}></span>`, into);
/** The span's two properties, as its style holds them. */
const props = (host: HTMLElement) => ['--_hue', '--_w'].map((name) => host.querySelector('span')!.style.getPropertyValue(name));

describe('cssVars', () => {
  it('sets each property on the first render and follows later renders', () => {
    const host = document.createElement('div');
    document.body.append(host);
    show(120, 4, host);
    const span = host.querySelector('span')!;
    expect(props(host)).to.deep.equal(['120', '4']);
    show(300, 16, host);
    expect(host.querySelector('span')).to.equal(span);
    expect(props(host)).to.deep.equal(['300', '16']);
    host.remove();
  });

  // Last: the policy stays on the page. Lit's `styleMap` writes its first render as a `style`
  // attribute, which such a policy drops (the avatar had no hue until it rendered again).
  it("works on a page whose Content-Security-Policy has no 'unsafe-inline' in style-src", async () => {
    const blocked = new Promise<void>((resolve) => document.addEventListener('securitypolicyviolation', () => resolve(), { once: true }));
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = "style-src 'self'";
    document.head.append(meta);
    // The policy is in force: a style attribute written as text is refused.
    const probe = document.createElement('i');
    probe.setAttribute('style', '--_probe: 1');
    await blocked;
    expect(probe.style.getPropertyValue('--_probe')).to.equal('');

    const host = document.createElement('div');
    document.body.append(host);
    show(42, 3, host);
    expect(props(host)).to.deep.equal(['42', '3']);
    host.remove();
  });
});
