import { cssVar, PALETTES, type ThemeColors } from './palette.js';

const declarations = (colors: ThemeColors): string =>
  Object.entries(colors)
    .map(([name, value]) => `${cssVar(name)}:${value}`)
    .join(';');

const v = (name: keyof ThemeColors): string => `var(${cssVar(name)})`;
const p = (part: string): string => `[part~=${part}]`;

// Links keep the bubble's text colour (underlined), which contrasts whatever the accent.
// Selectors are the `part` names, which hosts also style with `hotline-chat::part(…)`.
// Logical properties (inline-start/end, start/end) mirror the layout for right-to-left locales.
/** The widget's stylesheet; custom properties carry the theme. */
export const CSS = `:host{all:initial;${declarations(PALETTES.light)};--hotline-radius:12px;--hotline-font:system-ui,sans-serif;--hotline-z:2147483000}
:host([data-theme=dark]){${declarations(PALETTES.dark)}}
*{box-sizing:border-box;font:inherit;color:inherit;margin:0}
[hidden]{display:none!important}
${p('root')}{position:fixed;bottom:20px;inset-inline-end:20px;z-index:var(--hotline-z);font:15px/1.45 var(--hotline-font);color:${v('text')};display:flex;flex-direction:column;align-items:end;gap:12px}
[data-position=left]{inset-inline:20px auto;align-items:start}
button{cursor:pointer;border:1px solid #0000;background:${v('accent')};color:${v('accentText')};padding:8px 14px;font-weight:600;border-radius:8px}
${p('end-button')},${p('new-chat')},${p('message')} button{background:none;color:inherit;border-color:currentColor;padding:2px 10px}
${p('close-button')},${p('attach-button')},${p('send-button')}{background:none;color:inherit;padding:6px;display:flex}
:focus-visible{outline:3px solid ${v('focus')};outline-offset:2px}
[tabindex="-1"]{outline:0}
input,textarea,select{width:100%;border:1px solid ${v('border')};border-radius:8px;background:${v('background')};padding:8px 10px}
[aria-invalid=true]{border-color:${v('danger')}}
svg{width:24px;height:24px;fill:currentColor}
${p('launcher')}{width:56px;height:56px;border-radius:50%;padding:14px;position:relative;box-shadow:0 4px 14px #0004}
${p('badge')}{position:absolute;top:-4px;right:-4px;min-width:22px;border-radius:11px;padding:0 6px;background:${v('danger')};color:${v('background')};font:700 12px/22px var(--hotline-font)}
${p('panel')}{width:min(380px,100vw - 40px);height:min(620px,100vh - 110px);background:${v('background')};border:1px solid ${v('border')};border-radius:var(--hotline-radius);box-shadow:0 8px 30px #0005;display:flex;flex-direction:column;overflow:hidden}
${p('header')},${p('composer')}{display:flex;align-items:center;gap:8px;padding:10px 10px 10px 16px}
${p('header')}{background:${v('accent')};color:${v('accentText')}}
${p('header')}>div{flex:1}
h2,h3{font-weight:700}
h2{font-size:17px}
${p('status')},${p('hint')},${p('typing')},${p('error')},${p('meta')}{font-size:13px;font-weight:400}
${p('body')},${p('log')}{flex:1;display:flex;flex-direction:column;min-height:0;overflow:auto}
${p('log')}{padding:16px;gap:10px}
${p('welcome')},${p('message')}{max-width:85%;padding:8px 12px;border-radius:14px;background:${v('surface')};overflow-wrap:anywhere;white-space:pre-wrap;align-self:start}
${p('message-local')}{align-self:end;background:${v('accent')};color:${v('accentText')}}
${p('meta')}{display:block}
img{display:block;max-width:100%;max-height:240px;border-radius:8px}
[data-status=failed]{outline:2px solid ${v('danger')}}
${p('hint')},${p('typing')}{color:${v('muted')}}
${p('typing')}{padding:0 16px}
${p('composer')}{border-top:1px solid ${v('border')}}
${p('input')}{resize:none;max-height:120px;field-sizing:content}
${p('form')}{padding:16px;display:flex;flex-direction:column;gap:12px}
label{display:flex;flex-direction:column;gap:4px}
label,legend{font-weight:600}
${p('error')},${p('alert')}{color:${v('danger')}}
${p('alert')}{padding:8px 16px}
fieldset{border:0;padding:0}
${p('stars')} label{display:inline;cursor:pointer;font-size:28px;color:${v('muted')}}
${p('stars')} input,.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
${p('stars')} .on{color:${v('accent')}}
${p('stars')} input:focus-visible+span{outline:3px solid ${v('focus')}}
${p('ended')}{overflow:auto;max-height:65%;border-top:1px solid ${v('border')}}
@media (max-width:480px){${p('panel')}{width:calc(100vw - 16px);height:calc(100vh - 96px)}${p('root')}{inset:auto 8px 8px}}`;

let shared: CSSStyleSheet | undefined;

/**
 * Styles a shadow root without inline styles: a constructable stylesheet (not subject to
 * CSP `style-src`), shared by every widget on the page; where browsers lack those, a
 * `<style>` element carrying the host's CSP nonce.
 */
export function adoptStyles(root: ShadowRoot, nonce?: string): void {
  try {
    if (!shared) {
      shared = new CSSStyleSheet();
      shared.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [shared];
  } catch {
    shared = undefined;
    const style = document.createElement('style');
    if (nonce) style.nonce = nonce;
    style.textContent = CSS;
    root.append(style);
  }
}
