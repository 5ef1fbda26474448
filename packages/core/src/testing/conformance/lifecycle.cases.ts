import { checkRejects } from '../assert.js';
import { makeContact } from '../fixtures.js';
import { defineCases } from './case.js';

export const lifecycleCases = defineCases('lifecycle', {
  'after close, calls fail with UNAVAILABLE': async (ctx) => {
    await ctx.storage.close();
    await checkRejects(ctx.storage.contacts.get(ctx.tenantId, 'ctc_1'), 'UNAVAILABLE', 'read after close');
    await checkRejects(ctx.storage.contacts.create(makeContact(ctx.tenantId)), 'UNAVAILABLE', 'write after close');
  },
});
