import { cssVar, PALETTES, type ThemeColors } from './palette.js';

const declarations = (colors: ThemeColors): string =>
  Object.entries(colors)
    .map(([name, value]) => `${cssVar(name)}:${value}`)
    .join(';');

// Links keep the bubble's text colour (underlined), which contrasts whatever the accent.
// Selectors are the `part` names, which hosts also style with `hotline-chat::part(…)`.
// Logical properties (inline-start/end, start/end) mirror the layout for right-to-left locales.
// Each line ends in `\`, a line continuation: the rules are read one a line, shipped without newlines.
/** The widget's stylesheet; custom properties carry the theme. */
export const CSS = `:host{all:initial;${declarations(PALETTES.light)};--hotline-radius:12px;--hotline-font:system-ui,sans-serif;--hotline-z:2147483000}\
:host([data-theme=dark]){${declarations(PALETTES.dark)}}\
*{box-sizing:border-box;font:inherit;color:inherit;margin:0}\
[hidden]{display:none!important}\
[part~=root]{position:fixed;bottom:20px;inset-inline-end:20px;z-index:var(--hotline-z);font:15px/1.45 var(--hotline-font);color:var(--hotline-text);display:flex;flex-direction:column;align-items:end;gap:12px}\
[data-position=left]{inset-inline:20px auto;align-items:start}\
button{cursor:pointer;border:1px solid #0000;background:var(--hotline-accent);color:var(--hotline-accent-text);padding:8px 14px;font-weight:600;border-radius:8px}\
[part~=end-button],[part~=call-button],[part~=message] button{background:none;color:inherit;border-color:currentColor;padding:2px 10px}\
[part~=close-button],[part~=attach-button],[part~=send-button]{background:none;color:inherit;padding:6px;display:flex}\
:focus-visible{outline:3px solid var(--hotline-focus);outline-offset:2px}\
[tabindex="-1"]{outline:0}\
textarea{width:100%;border:1px solid var(--hotline-border);border-radius:8px;background:var(--hotline-background);padding:8px 10px}\
svg{width:24px;height:24px;fill:currentColor}\
[part~=launcher]{width:56px;height:56px;border-radius:50%;padding:14px;position:relative;box-shadow:0 4px 14px #0004}\
[part~=badge]{position:absolute;top:-4px;right:-4px;min-width:22px;border-radius:11px;padding:0 6px;background:var(--hotline-danger);color:var(--hotline-background);font:700 12px/22px var(--hotline-font)}\
[part~=panel]{width:min(380px,100vw - 40px);height:min(620px,100vh - 110px);background:var(--hotline-background);border:1px solid var(--hotline-border);border-radius:var(--hotline-radius);box-shadow:0 8px 30px #0005;display:flex;flex-direction:column;overflow:hidden}\
[part~=header],[part~=composer]{display:flex;align-items:center;gap:8px;padding:10px 10px 10px 16px}\
[part~=header]{background:var(--hotline-accent);color:var(--hotline-accent-text)}\
[part~=header]>div{flex:1}\
h2{font-weight:700;font-size:17px}\
[part~=status],[part~=hint],[part~=typing],[part~=meta]{font-size:13px;font-weight:400}\
[part~=body],[part~=log]{flex:1;display:flex;flex-direction:column;min-height:0;overflow:auto}\
[part~=log]{padding:16px;gap:10px}\
[part~=welcome],[part~=message]{max-width:85%;padding:8px 12px;border-radius:14px;background:var(--hotline-surface);overflow-wrap:anywhere;white-space:pre-wrap;align-self:start}\
[part~=message-local]{align-self:end;background:var(--hotline-accent);color:var(--hotline-accent-text)}\
[part~=meta]{display:block}\
img{display:block;max-width:100%;max-height:240px;border-radius:8px}\
[data-status=failed]{outline:2px solid var(--hotline-danger)}\
[part~=hint],[part~=typing]{color:var(--hotline-muted)}\
[part~=typing]{padding:0 16px}\
[part~=composer]{border-top:1px solid var(--hotline-border)}\
[part~=input]{resize:none;max-height:120px;field-sizing:content}\
[part~=form]{padding:16px;display:flex;flex-direction:column;gap:12px}\
[part~=alert]{color:var(--hotline-danger)}\
[part~=alert]{padding:8px 16px}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}\
@media (max-width:480px){[part~=panel]{width:calc(100vw - 16px);height:calc(100vh - 96px)}[part~=root]{inset:auto 8px 8px}}`;

const sheets: Record<string, CSSStyleSheet> = {};

/**
 * Styles a shadow root without inline styles: one more constructable stylesheet for `css`
 * (not subject to CSP `style-src`), shared by every widget on the page; where browsers lack
 * those, a `<style>` element carrying the host's CSP nonce.
 */
export function adoptStyles(root: ShadowRoot, nonce: string | undefined, css: string): void {
  try {
    let sheet = sheets[css];
    if (!sheet) {
      sheet = sheets[css] = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    delete sheets[css];
    const style = document.createElement('style');
    if (nonce) style.nonce = nonce;
    style.textContent = css;
    root.append(style);
  }
}
