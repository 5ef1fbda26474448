import { constantTimeEqual, hmacBase64Url } from '../webchat/secrets.js';

/** Expiry times are rounded up to this step, so one attachment has one URL for a while and browsers cache it. */
const EXPIRY_STEP_S = 3600;

/**
 * Signed, expiring download links: `{base}/{id}?exp={epoch s}&sig={HMAC(id.exp)}`. An
 * `<img src>` works without headers, and a leaked link stops working at `exp`.
 */
export class DownloadUrls {
  constructor(
    private readonly key: Uint8Array,
    /** Everything before the attachment id, e.g. `https://chat.example.com/hotline/webchat/files/`. */
    private readonly base: string,
    private readonly ttlMs: number,
  ) {}

  /** A link to an attachment valid for at least the configured time from `now`. */
  url(attachmentId: string, now: number): string {
    const exp = Math.ceil((now + this.ttlMs) / 1000 / EXPIRY_STEP_S) * EXPIRY_STEP_S;
    return `${this.base}${attachmentId}?exp=${exp}&sig=${this.sign(attachmentId, exp)}`;
  }

  /** Whether `exp` and `sig` are a valid, unexpired signature for the id: `'ok'`, `'expired'` or `'invalid'`. */
  check(attachmentId: string, exp: string | null, sig: string | null, now: number): 'ok' | 'expired' | 'invalid' {
    if (exp === null || sig === null || !/^\d{1,12}$/.test(exp)) return 'invalid';
    if (!constantTimeEqual(this.sign(attachmentId, Number(exp)), sig)) return 'invalid';
    return Number(exp) * 1000 < now ? 'expired' : 'ok';
  }

  private sign(attachmentId: string, exp: number): string {
    return hmacBase64Url(this.key, `${attachmentId}.${exp}`);
  }
}
