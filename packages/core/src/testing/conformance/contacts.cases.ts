import type { Identity } from '../../schemas/contact.js';
import { checkEqual, checkRejects } from '../assert.js';
import { FIXTURE_TIME, makeContact } from '../fixtures.js';
import { defineCases } from './case.js';

const email = (address: string): Identity => ({ channel: 'email', address, verified: false, addedAt: FIXTURE_TIME });
const phone = (address: string): Identity => ({ channel: 'phone', address, verified: true, addedAt: FIXTURE_TIME });

export const contactCases = defineCases('contacts', {
  'findByIdentity finds the holder of each identity': async (ctx) => {
    const ana = await ctx.storage.contacts.create(
      makeContact(ctx.tenantId, { identities: [email('ana@example.com'), phone('+14155550100')] }),
    );
    checkEqual(
      (await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'email', 'ana@example.com'))?.id,
      ana.id,
      'by email',
    );
    checkEqual(
      (await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'phone', '+14155550100'))?.id,
      ana.id,
      'by phone',
    );
    checkEqual(
      await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'phone', 'ana@example.com'),
      undefined,
      'channel matters',
    );
    checkEqual(
      await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'email', 'bo@example.com'),
      undefined,
      'unknown',
    );
  },
  'an identity held by another contact is refused with identity_taken': async (ctx) => {
    const ana = await ctx.storage.contacts.create(
      makeContact(ctx.tenantId, { identities: [email('ana@example.com')] }),
    );
    const error = await checkRejects(
      ctx.storage.contacts.create(makeContact(ctx.tenantId, { identities: [email('ana@example.com')] })),
      'CONFLICT',
      'second holder on create',
    );
    checkEqual((error as { details?: Record<string, unknown> }).details?.['reason'], 'identity_taken', 'reason');
    checkEqual((error as { details?: Record<string, unknown> }).details?.['contactId'], ana.id, 'names the holder');
    const bo = await ctx.storage.contacts.create(makeContact(ctx.tenantId));
    await checkRejects(
      ctx.storage.contacts.update({ ...bo, identities: [email('ana@example.com')] }, 1),
      'CONFLICT',
      'second holder on update',
    );
    checkEqual((await ctx.storage.contacts.get(ctx.tenantId, bo.id))?.version, 1, 'refused update changed nothing');
  },
  'removing an identity frees it; updating keeps it for the same holder': async (ctx) => {
    const ana = await ctx.storage.contacts.create(
      makeContact(ctx.tenantId, { identities: [email('ana@example.com')] }),
    );
    const v2 = await ctx.storage.contacts.update({ ...ana, name: 'Ana' }, 1);
    checkEqual(
      (await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'email', 'ana@example.com'))?.version,
      2,
      'still held',
    );
    await ctx.storage.contacts.update({ ...v2, identities: [] }, 2);
    checkEqual(await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'email', 'ana@example.com'), undefined, 'freed');
    const bo = await ctx.storage.contacts.create(makeContact(ctx.tenantId, { identities: [email('ana@example.com')] }));
    checkEqual(
      (await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'email', 'ana@example.com'))?.id,
      bo.id,
      'taken by another',
    );
  },
  'a merged contact holds no identity, so its survivor can take them in one transaction': async (ctx) => {
    const ana = await ctx.storage.contacts.create(
      makeContact(ctx.tenantId, { identities: [email('ana@example.com')] }),
    );
    const dup = await ctx.storage.contacts.create(makeContact(ctx.tenantId, { identities: [phone('+14155550100')] }));
    await ctx.storage.transaction(async (tx) => {
      await tx.contacts.update({ ...dup, mergedInto: ana.id }, 1);
      await tx.contacts.update({ ...ana, identities: [...ana.identities, ...dup.identities], mergedFrom: [dup.id] }, 1);
    });
    checkEqual(
      (await ctx.storage.contacts.findByIdentity(ctx.tenantId, 'phone', '+14155550100'))?.id,
      ana.id,
      'survivor holds it',
    );
    const merged = await ctx.storage.contacts.get(ctx.tenantId, dup.id);
    checkEqual(merged?.mergedInto, ana.id, 'merged record kept with its direction');
    checkEqual(merged?.identities, dup.identities, 'merged record keeps its identities as history');
  },
  'identities are per tenant': async (ctx) => {
    await ctx.storage.contacts.create(makeContact(ctx.tenantId, { identities: [email('ana@example.com')] }));
    const other = await ctx.storage.contacts.create(
      makeContact(ctx.otherTenantId, { identities: [email('ana@example.com')] }),
    );
    checkEqual(
      (await ctx.storage.contacts.findByIdentity(ctx.otherTenantId, 'email', 'ana@example.com'))?.id,
      other.id,
      'own holder',
    );
  },
  'concurrent creates with one identity: exactly one wins': async (ctx) => {
    const attempts = Array.from({ length: 20 }, () =>
      ctx.storage.contacts.create(makeContact(ctx.tenantId, { identities: [email('race@example.com')] })),
    );
    const results = await Promise.allSettled(attempts);
    checkEqual(results.filter((r) => r.status === 'fulfilled').length, 1, 'one holder');
  },
  'contacts list pages by id': async (ctx) => {
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await ctx.storage.contacts.create(makeContact(ctx.tenantId, { id: `ctc_${i}` }))).id);
    checkEqual(
      (await ctx.storage.contacts.list(ctx.tenantId)).items.map((c) => c.id),
      ids,
      'all contacts in order',
    );
  },
});
