/**
 * Calls `wake` when the page comes back: the network returns (`online`), the tab becomes
 * visible again (after a screen lock, phones freeze timers and sockets die silently), or
 * the page is restored from the back/forward cache (`pageshow`). Does nothing where there
 * is no `window` (Node). Returns the function that stops watching.
 */
export function watchLifecycle(wake: () => void): () => void {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return () => {};
  const doc = typeof document === 'undefined' ? undefined : document;
  const onVisibility = () => {
    if (doc?.visibilityState !== 'hidden') wake();
  };
  window.addEventListener('online', wake);
  window.addEventListener('pageshow', wake);
  doc?.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('online', wake);
    window.removeEventListener('pageshow', wake);
    doc?.removeEventListener('visibilitychange', onVisibility);
  };
}
