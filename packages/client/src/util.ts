import type { IdentityClaim } from '@hotline/core';

/** A fresh idempotency key (`clientMessageId`, `start` key). `randomUUID` needs a secure context. */
export function uid(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** A string claim of a JWT's payload, read without verifying (the server verifies). */
export function claim(jwt: string | undefined, name: string): string | undefined {
  try {
    const value = JSON.parse(atob((jwt?.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')))[name];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The user an identity claim names (the JWT's `sub` is read, not verified). */
export const userOf = (identity: IdentityClaim | undefined): string | undefined =>
  identity && ('userId' in identity ? identity.userId : claim(identity.jwt, 'sub'));
