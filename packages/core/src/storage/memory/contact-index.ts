import { ConflictError } from '../../errors/hotline-error.js';
import type { Contact } from '../../schemas/contact.js';
import type { TableHooks } from './versioned-table.js';

const key = (tenantId: string, channel: string, address: string) => `${tenantId}\u0000${channel}\u0000${address}`;

/** `(tenant, channel, address)` → the unmerged contact holding it. */
export class ContactIdentityIndex {
  private readonly holders = new Map<string, string>();

  holder(tenantId: string, channel: string, address: string): string | undefined {
    return this.holders.get(key(tenantId, channel, address));
  }

  hooks(): TableHooks<Contact> {
    return {
      beforeWrite: (next) => {
        if (next.mergedInto) return;
        for (const identity of next.identities) {
          const holder = this.holder(next.tenantId, identity.channel, identity.address);
          if (holder !== undefined && holder !== next.id) {
            throw new ConflictError(`identity ${identity.channel}:${identity.address} belongs to another contact`, {
              details: { reason: 'identity_taken', contactId: holder, channel: identity.channel },
            });
          }
        }
      },
      afterWrite: (next, previous) => {
        if (previous && !previous.mergedInto) {
          for (const identity of previous.identities) {
            const k = key(previous.tenantId, identity.channel, identity.address);
            if (this.holders.get(k) === previous.id) this.holders.delete(k);
          }
        }
        if (next && !next.mergedInto) {
          for (const identity of next.identities) {
            this.holders.set(key(next.tenantId, identity.channel, identity.address), next.id);
          }
        }
      },
    };
  }
}
