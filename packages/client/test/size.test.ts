import { describe, expect, it } from 'vitest';
import { measure } from '../scripts/size.js';

// Budgets in bytes, minified + gzipped, bundled for browsers as the widget bundles it.
// The widget's whole IIFE (UI + this client) has its own budget: packages/widget/.size-limit.json.
const CUSTOMER_BUDGET = 7 * 1024;
const EVERYTHING_BUDGET = 8 * 1024;

describe('bundle size', () => {
  it('keeps CustomerChat with its transport, and the whole package, within budget', async () => {
    const customer = await measure(['CustomerChat']);
    const everything = await measure(['CustomerChat', 'AgentDesk', 'ClientError', 'backoffDelay']);
    console.log(`@hotline/client min+gz: CustomerChat ${customer.gzipped} B, everything ${everything.gzipped} B`);
    expect(customer.gzipped).toBeLessThanOrEqual(CUSTOMER_BUDGET);
    expect(everything.gzipped).toBeLessThanOrEqual(EVERYTHING_BUDGET);
    // AgentDesk is tree-shaken out of a bundle that only imports CustomerChat.
    expect(customer.minified).toBeLessThan(everything.minified - 2000);
  });
});
