import { describe, expect, it } from 'vitest';
import { normalizeMimeType, sniffMimeType } from './sniff.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

describe('sniffMimeType', () => {
  it('recognises the allowed formats by their magic bytes', () => {
    expect(sniffMimeType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).toBe('image/png');
    expect(sniffMimeType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffMimeType(text('GIF89a\u0001\u0000'))).toBe('image/gif');
    expect(sniffMimeType(text('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp');
    expect(sniffMimeType(text('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffMimeType(text('Order 1234: three boxes, ¡gracias! 谢谢\r\n\tok'))).toBe('text/plain');
  });

  it('finds markup whatever it claims to be', () => {
    expect(sniffMimeType(text('  <!DOCTYPE html><p>hi'))).toBe('text/html');
    expect(sniffMimeType(text('\ufeff<html>'))).toBe('text/html');
    expect(sniffMimeType(text('<script>alert(1)</script>'))).toBe('text/html');
    expect(sniffMimeType(text('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('image/svg+xml');
    expect(sniffMimeType(text('<?xml version="1.0"?><svg></svg>'))).toBe('image/svg+xml');
    expect(sniffMimeType(text('<?xml version="1.0"?><note/>'))).toBe('text/xml');
    expect(sniffMimeType(text('notes\n\n<iframe src="https://evil.test">'))).toBe('text/html');
    // A mention of a tag inside prose is still text; only markup that would render is refused.
    expect(sniffMimeType(text('use a <b> tag for bold'))).toBe('text/plain');
  });

  it('knows nothing of other binaries', () => {
    expect(sniffMimeType(bytes(0x50, 0x4b, 0x03, 0x04, 0, 0))).toBeUndefined(); // zip
    expect(sniffMimeType(bytes(0x4d, 0x5a, 0x90, 0))).toBeUndefined(); // exe
    expect(sniffMimeType(bytes(0xc3, 0x28))).toBeUndefined(); // invalid UTF-8
    expect(sniffMimeType(bytes())).toBe('text/plain');
  });
});

describe('normalizeMimeType', () => {
  it('drops parameters, lowercases and folds aliases', () => {
    expect(normalizeMimeType('Text/Plain; charset=UTF-8')).toBe('text/plain');
    expect(normalizeMimeType('image/jpg')).toBe('image/jpeg');
    expect(normalizeMimeType('nonsense')).toBeUndefined();
    expect(normalizeMimeType(undefined)).toBeUndefined();
  });
});
