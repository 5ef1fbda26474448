import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount } from '../../test/mount.js';
import { contrastRatio, parseHex, readableTextOn } from './contrast.js';
import { PALETTES, resolvePalette } from './palette.js';
import { CSS } from './styles.js';

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(parseHex('#0b57d0')).toEqual([11, 87, 208]);
    expect(() => parseHex('red')).toThrow(TypeError);
  });

  it('picks white or black text that reaches 4.5:1 on every accent', () => {
    for (let v = 0; v < 256; v += 5) {
      for (const color of [
        [v, v, v],
        [v, 255 - v, 128],
        [255, v, 0],
        [0, v, 255],
      ]) {
        const hex = `#${color.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
        expect(contrastRatio(readableTextOn(hex), hex), hex).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it.each(['light', 'dark'] as const)('keeps the %s defaults at WCAG AA', (theme) => {
    const p = PALETTES[theme];
    for (const [fg, bg] of [
      [p.text, p.background],
      [p.muted, p.background],
      [p.text, p.surface],
      [p.muted, p.surface],
      [p.accentText, p.accent],
      [p.accent, p.background],
      [p.accent, p.surface],
      [p.danger, p.background],
      [p.background, p.danger],
    ] as const) {
      expect(contrastRatio(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrastRatio(p.border, p.background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(p.focus, p.background)).toBeGreaterThanOrEqual(3);
  });

  it('derives text on a host accent, and a visible focus ring when the accent is too light', () => {
    expect(resolvePalette('light', { accent: '#ffd400' })).toMatchObject({ accentText: '#000000', focus: '#1f2328' });
    expect(resolvePalette('light', { accent: '#5b2a86' })).toMatchObject({ accentText: '#ffffff', focus: '#5b2a86' });
    expect(resolvePalette('light', { accent: '#ffd400', accentText: '#222222' }).accentText).toBe('#222222');
  });
});

describe('theme on the element', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('styles through custom properties on the host, never through style attributes from strings', () => {
    const { widget } = mount({ theme: 'light', colors: { accent: '#ffd400' } });
    const host = widget.element;
    expect(host.getAttribute('data-theme')).toBe('light');
    expect(host.style.getPropertyValue('--hotline-accent')).toBe('#ffd400');
    expect(host.style.getPropertyValue('--hotline-accent-text')).toBe('#000000');
    const styled = [...(host.shadowRoot?.querySelectorAll('[style]') ?? [])];
    expect(styled).toEqual([]);
  });

  it('applies dark colours over the shared ones in the dark theme', () => {
    const { widget } = mount({ theme: 'dark', colors: { accent: '#0b57d0' }, darkColors: { background: '#000000' } });
    expect(widget.element.getAttribute('data-theme')).toBe('dark');
    expect(widget.element.style.getPropertyValue('--hotline-background')).toBe('#000000');
    expect(widget.element.style.getPropertyValue('--hotline-accent')).toBe('#0b57d0');
  });

  it('follows prefers-color-scheme in auto, also when it changes', () => {
    const listeners: (() => void)[] = [];
    const query = {
      matches: true,
      addEventListener: (_: string, fn: () => void) => listeners.push(fn),
      removeEventListener: vi.fn(),
    };
    vi.stubGlobal('matchMedia', () => query);
    const { widget } = mount();
    expect(widget.element.getAttribute('data-theme')).toBe('dark');
    query.matches = false;
    for (const listener of listeners) listener();
    expect(widget.element.getAttribute('data-theme')).toBe('light');
    widget.destroy();
    expect(query.removeEventListener).toHaveBeenCalled();
  });

  it('declares both palettes and a visible focus style in the stylesheet', () => {
    expect(CSS).toContain(`--hotline-accent:${PALETTES.light.accent}`);
    expect(CSS).toContain(':host([data-theme=dark]){');
    expect(CSS).toContain(`--hotline-background:${PALETTES.dark.background}`);
    expect(CSS).toMatch(/:focus-visible\{outline:3px solid var\(--hotline-focus\)/);
  });
});
