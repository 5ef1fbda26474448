import { GRANT_PERMISSION, type RoleDefinition } from './rbac-types.js';

/** What agents may do to a ticket that is theirs or their group's, and supervisors to any. */
const TICKET_WORK = [
  'ticket:update',
  'ticket:comment',
  'ticket:assign',
  'ticket:link',
  'ticket:merge',
  'ticket:split',
] as const;

/**
 * The built-in roles. Override one by defining a role with the same name in
 * {@link PolicyOptions.roles} (the definition is replaced, not merged).
 *
 * - `agent` works conversations and tickets: reads broadly, changes only what is
 *   assigned to them (tickets: also what is in one of their groups), updates their own
 *   agent record (status).
 * - `supervisor` is an agent who can change any conversation or ticket, merge contacts,
 *   manage agents' states, read the audit log, approve risky ticket operations, see
 *   sensitive ticket fields unmasked and hand out temporary grants (`ticket_field:*`
 *   exists so they can lend field-level access). Deleting stays with admins.
 * - `admin` may do everything in the tenant (`*`), never across tenants.
 * - `integration` is a machine client (CRM sync, bot): reads and writes conversations,
 *   contacts and tickets, nothing administrative.
 */
export const BUILT_IN_ROLES: Readonly<Record<'agent' | 'supervisor' | 'admin' | 'integration', RoleDefinition>> =
  Object.freeze({
    agent: {
      description: 'Handles the conversations and tickets assigned to them.',
      permissions: [
        'conversation:read',
        'conversation:create',
        { action: 'conversation:update', when: 'assigned' },
        { action: 'conversation:reply', when: 'assigned' },
        { action: 'conversation:transfer', when: 'assigned' },
        { action: 'conversation:close', when: 'assigned' },
        'conversation:note',
        'contact:read',
        'contact:create',
        'contact:update',
        'ticket:read',
        'ticket:create',
        ...TICKET_WORK.flatMap((action) => [
          { action, when: 'assigned' as const },
          { action, when: 'group' as const },
        ]),
        'queue:read',
        'agent:read',
        { action: 'agent:update', when: 'self' },
      ],
    },
    supervisor: {
      description: 'Oversees agents and queues; can act on any conversation or ticket.',
      inherits: ['agent'],
      permissions: [
        'conversation:update',
        'conversation:reply',
        'conversation:transfer',
        'conversation:close',
        'conversation:assign',
        'conversation:monitor',
        'contact:merge',
        ...TICKET_WORK,
        'ticket:bulk_update',
        'ticket:approve',
        'ticket:read_sensitive',
        'ticket_field:*',
        'agent:update',
        'queue:update',
        'report:read',
        'audit:read',
        GRANT_PERMISSION,
      ],
    },
    admin: {
      description: 'Everything within the tenant.',
      permissions: ['*'],
    },
    integration: {
      description: 'A machine client such as a CRM sync or a bot.',
      permissions: [
        'conversation:read',
        'conversation:create',
        'conversation:update',
        'conversation:reply',
        'contact:read',
        'contact:create',
        'contact:update',
        'ticket:read',
        'ticket:create',
        'ticket:update',
        'ticket:comment',
        'queue:read',
        'agent:read',
      ],
    },
  });
