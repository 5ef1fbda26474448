/**
 * Finds what a file really is from its first bytes, for the types the gateway may accept
 * and the ones it must refuse. It answers `undefined` for anything else: an unknown
 * format is never allowed.
 */
export function sniffMimeType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes.subarray(8), WEBP)) return 'image/webp';
  if (startsWith(bytes, PDF)) return 'application/pdf';
  const markup = sniffMarkup(bytes);
  if (markup) return markup;
  if (isPlainText(bytes)) return 'text/plain';
  return undefined;
}

/**
 * The canonical form of a claimed `Content-Type`: parameters dropped, lowercased, and the
 * common alias `image/jpg` folded into `image/jpeg`.
 */
export function normalizeMimeType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  if (!/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type)) return undefined;
  return type === 'image/jpg' || type === 'image/pjpeg' ? 'image/jpeg' : type;
}

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const JPEG = Uint8Array.of(0xff, 0xd8, 0xff);
const GIF87 = bytesOf('GIF87a');
const GIF89 = bytesOf('GIF89a');
const RIFF = bytesOf('RIFF');
const WEBP = bytesOf('WEBP');
const PDF = bytesOf('%PDF-');

/** Tags that make a browser treat bytes as a document it may run (the WHATWG sniffing list and friends). */
const HTML_TAGS = [
  '<!doctype html',
  '<html',
  '<head',
  '<body',
  '<script',
  '<iframe',
  '<h1',
  '<div',
  '<font',
  '<table',
  '<a',
  '<style',
  '<title',
  '<b',
  '<br',
  '<p',
  '<img',
  '<object',
  '<embed',
  '<form',
  '<meta',
  '<link',
  '<!--',
];

/** How far into a file markup is looked for: browsers sniff the first 512 bytes, we look further. */
const MARKUP_WINDOW = 4096;

function sniffMarkup(bytes: Uint8Array): string | undefined {
  const head = latin1(bytes.subarray(0, MARKUP_WINDOW)).toLowerCase();
  const text = head.replace(/^(\ufeff|ï»¿|\s)+/, '');
  if (text.startsWith('<?xml')) return text.includes('<svg') ? 'image/svg+xml' : 'text/xml';
  if (text.startsWith('<svg') || /<svg[\s>]/.test(head)) return 'image/svg+xml';
  for (const tag of HTML_TAGS) {
    if (!text.startsWith(tag)) continue;
    const next = text.charAt(tag.length);
    if (tag === '<!--' || next === '' || next === '>' || /\s/.test(next)) return 'text/html';
  }
  // Markup further in still renders as HTML if the file is ever served as such.
  if (/<(script|iframe|html|body|object|embed)[\s>/]/.test(head)) return 'text/html';
  return undefined;
}

/** UTF-8 without NUL or other binary control bytes. */
function isPlainText(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  for (const byte of bytes) {
    // Tab, line feed, form feed and carriage return are text; other C0 bytes are binary.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false;
  }
  return true;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
