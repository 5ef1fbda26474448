import { ValidationError } from '../errors/hotline-error.js';
import { type IdentityChannel, type IdentityInput, identityInputSchema } from '../schemas/contact.js';
import { parseInput } from '../validation/parse.js';

/** An identity reduced to its canonical form, ready for lookup and storage. */
export interface NormalizedIdentity {
  channel: IdentityChannel;
  address: string;
  verified: boolean;
}

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

function invalid(channel: string, message: string): never {
  throw new ValidationError(`Invalid ${channel} identity: ${message}`, [{ path: 'address', message }]);
}

/**
 * Canonicalises an identity so that one customer is found whichever way their address was
 * typed: phones to E.164 (`+8613812345678`), emails lowercased, WhatsApp ids to digits,
 * Telegram usernames lowercased. Duplicate contacts usually start with `+86 138-1234-5678`
 * and `008613812345678` being stored as two people.
 *
 * @example
 * ```ts
 * normalizeIdentity({ channel: 'phone', address: '+1 (415) 555-0100' }).address; // '+14155550100'
 * ```
 */
export function normalizeIdentity(input: IdentityInput): NormalizedIdentity {
  const parsed = parseInput(identityInputSchema, input, 'identity');
  const raw = parsed.address.trim();
  if (raw.length === 0 || hasControlCharacter(raw)) invalid(parsed.channel, 'empty or contains control characters');
  return {
    channel: parsed.channel,
    address: canonicalAddress(parsed.channel, raw),
    verified: parsed.verified ?? false,
  };
}

function canonicalAddress(channel: IdentityChannel, raw: string): string {
  switch (channel) {
    case 'phone': {
      let phone = raw.replace(/[\s().-]/g, '');
      if (phone.startsWith('00')) phone = `+${phone.slice(2)}`;
      if (!E164.test(phone)) invalid(channel, 'use international format, e.g. +14155550100');
      return phone;
    }
    case 'email': {
      const email = raw.toLowerCase();
      if (!EMAIL.test(email)) invalid(channel, 'not an email address');
      return email;
    }
    case 'whatsapp': {
      // WhatsApp ids (wa_id) are the phone number's digits without '+'.
      const digits = raw.replace(/[\s()+.-]/g, '');
      if (!/^[1-9]\d{6,14}$/.test(digits)) invalid(channel, 'a WhatsApp id is a phone number in digits');
      return digits;
    }
    case 'telegram': {
      if (/^-?\d{1,20}$/.test(raw)) return raw;
      const username = raw.replace(/^@/, '').toLowerCase();
      if (!/^[a-z][a-z0-9_]{3,31}$/.test(username)) invalid(channel, 'a chat id or @username');
      return `@${username}`;
    }
    case 'wechat':
    case 'wecom': {
      // OpenIDs and user ids are case-sensitive; keep them exactly as the platform sent them.
      if (!/^[A-Za-z0-9_-]{1,128}$/.test(raw)) invalid(channel, 'an openid or userid');
      return raw;
    }
    case 'webchat':
    case 'external':
      return raw;
  }
}

/** Control characters (C0 and DEL) never belong in an address; they smuggle line breaks into logs and headers. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
