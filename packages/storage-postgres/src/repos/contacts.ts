import { ConflictError, type Contact, type IdentityChannel, type ListOptions, type Page } from '@hotline/core';
import type { Queryable } from '../driver/sql-driver.js';
import type { Runner } from '../runner.js';
import { VersionedTable } from './versioned.js';

const table = new VersionedTable<Contact>('contact', 'hl_contacts');

/**
 * Replaces a contact's rows in the identity index, in the transaction of its write. A
 * merged contact holds none. An identity held by another contact makes the whole write
 * fail with `identity_taken`, naming the holder.
 */
async function syncIdentities(q: Queryable, contact: Contact): Promise<void> {
  await q.query('DELETE FROM hl_contact_identities WHERE tenant_id = $1 AND contact_id = $2', [
    contact.tenantId,
    contact.id,
  ]);
  if (contact.mergedInto !== undefined || contact.identities.length === 0) return;
  const unique = new Map(
    contact.identities.map((i) => [`${i.channel}\u0000${i.address}`, { channel: i.channel, address: i.address }]),
  );
  const wanted = [...unique.values()];
  const { rows } = await q.query<{ channel: string; address: string }>(
    `INSERT INTO hl_contact_identities (tenant_id, channel, address, contact_id)
     SELECT $1, x.channel, x.address, $2 FROM jsonb_to_recordset($3::jsonb) AS x(channel text, address text)
     ON CONFLICT (tenant_id, channel, address) DO NOTHING RETURNING channel, address`,
    [contact.tenantId, contact.id, JSON.stringify(wanted)],
  );
  if (rows.length === wanted.length) return;
  const inserted = new Set(rows.map((r) => `${r.channel}\u0000${r.address}`));
  const taken = wanted.find((i) => !inserted.has(`${i.channel}\u0000${i.address}`)) as {
    channel: string;
    address: string;
  };
  const holder = await q.query<{ contact_id: string }>(
    'SELECT contact_id FROM hl_contact_identities WHERE tenant_id = $1 AND channel = $2 AND address = $3',
    [contact.tenantId, taken.channel, taken.address],
  );
  throw new ConflictError(`identity ${taken.channel}:${taken.address} belongs to another contact`, {
    details: { reason: 'identity_taken', contactId: holder.rows[0]?.contact_id, channel: taken.channel },
  });
}

/** The contact repository on SQL. */
export function contactRepository(run: Runner) {
  return {
    get: (tenantId: string, id: string) => table.get(run, tenantId, id),
    create: (contact: Contact) => table.create(run, contact, syncIdentities),
    update: (contact: Contact, expectedVersion: number) => table.update(run, contact, expectedVersion, syncIdentities),
    list: (tenantId: string, options?: ListOptions): Promise<Page<Contact>> => table.list(run, tenantId, options),
    async findByIdentity(tenantId: string, channel: IdentityChannel, address: string): Promise<Contact | undefined> {
      const { rows } = await run.query<{ data: Contact }>(
        `SELECT c.data FROM hl_contact_identities i
         JOIN hl_contacts c ON c.tenant_id = i.tenant_id AND c.id = i.contact_id
         WHERE i.tenant_id = $1 AND i.channel = $2 AND i.address = $3`,
        [tenantId, channel, address],
      );
      return rows[0]?.data;
    },
  };
}
