// The rules only the views of the extras use (forms, rating, end of chat), adopted after the
// main stylesheet (`theme/styles.ts`) once they are loaded. Read one a line, as there.
/** The extras' stylesheet. */
export const EXTRAS_CSS = `input,select{width:100%;border:1px solid var(--hotline-border);border-radius:8px;background:var(--hotline-background);padding:8px 10px}\
[aria-invalid=true]{border-color:var(--hotline-danger)}\
h3{font-weight:700}\
label{display:flex;flex-direction:column;gap:4px}\
label,legend{font-weight:600}\
[part~=error]{color:var(--hotline-danger);font-size:13px;font-weight:400}\
fieldset{border:0;padding:0}\
[part~=new-chat]{background:none;color:inherit;border-color:currentColor;padding:2px 10px}\
[part~=stars] label{display:inline;cursor:pointer;font-size:28px;color:var(--hotline-muted)}\
[part~=stars] .on{color:var(--hotline-accent)}\
[part~=stars] input:focus-visible+span{outline:3px solid var(--hotline-focus)}\
[part~=ended]{overflow:auto;max-height:65%;border-top:1px solid var(--hotline-border)}`;
