import { type LocalizedText, localeChain, lowerKeys } from './translator.js';

/**
 * The best variant of a host-configured text (a pre-chat label) for `locale`: along its
 * locale chain, else the first variant given. Only the forms of the extras need it.
 */
export function pickText(locale: string, text: LocalizedText | undefined): string {
  if (typeof text !== 'object') return text ?? '';
  const variants = lowerKeys(text);
  return (
    localeChain(locale)
      .map((tag) => variants[tag])
      .find((variant) => variant !== undefined) ??
    Object.values(text)[0] ??
    ''
  );
}
