/** The custom element's tag name. */
export const TAG = 'hotline-chat';

/**
 * Defines `<hotline-chat>` unless the page already has it (the script loaded twice, or two
 * copies of the package): defining a name twice throws. The class is created here, not at
 * module load, so that importing the package on a server (no `HTMLElement`) is harmless.
 */
export function defineElement(): void {
  if (!customElements.get(TAG)) customElements.define(TAG, class HotlineChatElement extends HTMLElement {});
}
