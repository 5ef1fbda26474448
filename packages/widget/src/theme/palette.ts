import { contrastRatio, readableTextOn } from './contrast.js';

/**
 * The colours of one theme, as hex (`#rgb` or `#rrggbb`) so that contrast can be checked.
 * Each becomes a CSS custom property on the widget's host element: `accent` is
 * `--hotline-accent`, `accentText` is `--hotline-accent-text`, and so on.
 */
export interface ThemeColors {
  /** Launcher, header, the visitor's bubbles, buttons. @default `PALETTES[theme].accent` */
  accent?: string;
  /** Text on `accent`. @default white or black, whichever contrasts more with `accent` */
  accentText?: string;
  /** Panel background. @default `PALETTES[theme].background` */
  background?: string;
  /** Body text. @default `PALETTES[theme].text` */
  text?: string;
  /** Secondary text (hints, typing). @default `PALETTES[theme].muted` */
  muted?: string;
  /** The other side's bubbles. @default `PALETTES[theme].surface` */
  surface?: string;
  /** Outlines of inputs and separators (3:1 against `background` for AA). @default `PALETTES[theme].border` */
  border?: string;
  /** Errors. @default `PALETTES[theme].danger` */
  danger?: string;
  /** Focus ring. @default `accent`, or `text` when `accent` is below 3:1 on `background` */
  focus?: string;
}

/** Default colours; every text pair meets WCAG AA (4.5:1), outlines 3:1 (tested). */
export const PALETTES: Readonly<Record<'light' | 'dark', Required<ThemeColors>>> = {
  light: {
    accent: '#0b57d0',
    accentText: '#ffffff',
    background: '#ffffff',
    text: '#1f2328',
    muted: '#59636e',
    surface: '#f0f2f5',
    border: '#6e7781',
    danger: '#b3261e',
    focus: '#0b57d0',
  },
  dark: {
    accent: '#8ab4f8',
    accentText: '#000000',
    background: '#1b1f24',
    text: '#e6edf3',
    muted: '#9da7b3',
    surface: '#2d333b',
    border: '#768390',
    danger: '#ff938a',
    focus: '#8ab4f8',
  },
};

/** `accentText` → `--hotline-accent-text`. */
export const cssVar = (name: string): string => `--hotline-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The full palette for a theme with the host's colours laid over the defaults; text on
 * the accent and the focus ring are derived for contrast unless the host set them.
 */
export function resolvePalette(theme: 'light' | 'dark', colors: ThemeColors = {}): Required<ThemeColors> {
  const palette = { ...PALETTES[theme], ...colors };
  if (colors.accent) {
    palette.accentText = colors.accentText ?? readableTextOn(colors.accent);
    palette.focus =
      colors.focus ?? (contrastRatio(colors.accent, palette.background) >= 3 ? colors.accent : palette.text);
  }
  return palette;
}
