import { z } from 'zod';
import { attributesSchema, idSchema, timestampSchema, timeZoneSchema, versionSchema } from './common.js';

/** A tenant: one company served by a Hotline deployment. Its id scopes every other record. */
export const tenantSchema = z.object({
  id: idSchema,
  version: versionSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  name: z.string().min(1).max(200),
  status: z.enum(['active', 'suspended']),
  /** IANA time zone used for reports and default calendars. */
  timeZone: timeZoneSchema.default('UTC'),
  settings: attributesSchema.default({}),
});
/** A tenant record. */
export type Tenant = z.infer<typeof tenantSchema>;

/** Input to create a tenant. */
export const newTenantInputSchema = z.object({
  id: tenantSchema.shape.id.optional(),
  name: tenantSchema.shape.name,
  timeZone: timeZoneSchema.optional(),
  settings: attributesSchema.optional(),
});
/** Input to create a tenant. */
export type NewTenantInput = z.input<typeof newTenantInputSchema>;
