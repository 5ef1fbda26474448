/** `#rgb` or `#rrggbb`; the only colour syntax the widget can check for contrast. */
export const HEX_COLOR = /^#(?:[0-9a-f]{3}){1,2}$/i;

/** The RGB channels (0–255) of a hex colour. */
export function parseHex(color: string): [number, number, number] {
  if (!HEX_COLOR.test(color)) throw new TypeError(`not a hex colour: ${color}`);
  const hex = color.length === 4 ? color.replace(/\w/g, (d) => d + d) : color;
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG 2 relative luminance of a hex colour. */
export function relativeLuminance(color: string): number {
  const [r, g, b] = parseHex(color).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * WCAG 2 contrast ratio of two hex colours, from 1 to 21. AA asks 4.5 for body text and
 * 3 for large text and for the outlines of controls.
 *
 * @example
 * ```ts
 * contrastRatio('#ffffff', '#0b57d0'); // 6.6
 * ```
 */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * White or black, whichever contrasts more with `background`. One of the two always
 * reaches at least 4.5:1, so text on any host-chosen accent colour meets WCAG AA.
 */
export function readableTextOn(background: string): '#ffffff' | '#000000' {
  return contrastRatio('#ffffff', background) >= contrastRatio('#000000', background) ? '#ffffff' : '#000000';
}
