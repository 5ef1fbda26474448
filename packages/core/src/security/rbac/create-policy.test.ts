import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../clock/simulated-clock.js';
import { ForbiddenError, ValidationError } from '../../errors/hotline-error.js';
import { BUILT_IN_ROLES } from './built-in-roles.js';
import { createPolicy } from './create-policy.js';
import type { Principal, Resource, TemporaryGrant } from './rbac-types.js';

const agent: Principal = { id: 'agt_1', tenantId: 'ten_1', roles: ['agent'] };
const otherAgent: Principal = { id: 'agt_2', tenantId: 'ten_1', roles: ['agent'] };
const supervisor: Principal = { id: 'agt_9', tenantId: 'ten_1', roles: ['supervisor'] };
const admin: Principal = { id: 'usr_1', tenantId: 'ten_1', roles: ['admin'] };
const integration: Principal = { id: 'int_1', tenantId: 'ten_1', roles: ['integration'] };

const mine: Resource = { type: 'conversation', tenantId: 'ten_1', id: 'cnv_1', assigneeId: 'agt_1' };
const theirs: Resource = { type: 'conversation', tenantId: 'ten_1', id: 'cnv_2', assigneeId: 'agt_2' };
const unassigned: Resource = { type: 'conversation', tenantId: 'ten_1', id: 'cnv_3' };
const foreign: Resource = { type: 'conversation', tenantId: 'ten_2', id: 'cnv_4', assigneeId: 'agt_1' };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('built-in roles', () => {
  const policy = createPolicy();

  it('lets agents read broadly and change only what is assigned to them', () => {
    expect(policy.can(agent, 'conversation:read', theirs)).toBe(true);
    expect(policy.can(agent, 'conversation:update', mine)).toBe(true);
    expect(policy.can(agent, 'conversation:update', theirs)).toBe(false);
    expect(policy.can(agent, 'conversation:update', unassigned)).toBe(false);
    expect(
      policy.can(agent, 'ticket:update', { type: 'ticket', tenantId: 'ten_1', id: 'tkt_1', assigneeId: 'agt_1' }),
    ).toBe(true);
    expect(policy.can(agent, 'agent:update', { type: 'agent', tenantId: 'ten_1', id: 'agt_1' })).toBe(true);
    expect(policy.can(agent, 'agent:update', { type: 'agent', tenantId: 'ten_1', id: 'agt_2' })).toBe(false);
    expect(policy.can(agent, 'contact:merge')).toBe(false);
    expect(policy.can(agent, 'ticket:delete')).toBe(false);
    expect(policy.can(agent, 'audit:read')).toBe(false);
  });

  it('never satisfies a condition without a resource', () => {
    expect(policy.can(agent, 'conversation:update')).toBe(false);
    expect(policy.evaluate(agent, 'conversation:update', mine)).toEqual({ allowed: true, reason: 'condition' });
  });

  it('gives supervisors any conversation, merges, audit and grants, but not deletes', () => {
    expect(policy.can(supervisor, 'conversation:update', theirs)).toBe(true);
    expect(policy.can(supervisor, 'contact:merge')).toBe(true);
    expect(policy.can(supervisor, 'audit:read')).toBe(true);
    expect(policy.can(supervisor, 'grant:create')).toBe(true);
    expect(policy.can(supervisor, 'ticket:delete')).toBe(false);
    expect(policy.can(supervisor, 'agent:manage')).toBe(false);
  });

  it('gives admins everything in their tenant', () => {
    expect(policy.can(admin, 'ticket:delete', { type: 'ticket', tenantId: 'ten_1', id: 'tkt_1' })).toBe(true);
    expect(policy.can(admin, 'agent:manage')).toBe(true);
    expect(policy.can(admin, 'anything:whatever')).toBe(true);
  });

  it('lets agents work tickets assigned to them or their groups, and supervisors any', () => {
    const own = { type: 'ticket', tenantId: 'ten_1', id: 'tkt_1', assigneeId: 'agt_1' };
    const grouped = { type: 'ticket', tenantId: 'ten_1', id: 'tkt_2', assigneeId: 'agt_2', groupId: 'grp_billing' };
    const other = { type: 'ticket', tenantId: 'ten_1', id: 'tkt_3', assigneeId: 'agt_2', groupId: 'grp_sales' };
    const member: Principal = { ...agent, groups: ['grp_billing'] };
    for (const action of ['ticket:update', 'ticket:comment', 'ticket:assign', 'ticket:link', 'ticket:merge']) {
      expect(policy.can(agent, action, own), action).toBe(true);
      expect(policy.can(agent, action, grouped), action).toBe(false);
      expect(policy.can(member, action, grouped), action).toBe(true);
      expect(policy.can(member, action, other), action).toBe(false);
      expect(policy.can(supervisor, action, other), action).toBe(true);
    }
    for (const action of ['ticket:bulk_update', 'ticket:approve', 'ticket:read_sensitive', 'ticket_field:write']) {
      expect(policy.can(member, action, action.startsWith('ticket_field') ? undefined : own), action).toBe(false);
      expect(policy.can(supervisor, action), action).toBe(true);
    }
    expect(policy.can(supervisor, 'ticket:delete', other)).toBe(false);
    expect(policy.can(integration, 'ticket:comment', other)).toBe(true);
    expect(policy.can(integration, 'ticket:approve')).toBe(false);
    expect(policy.can(integration, 'ticket:read_sensitive')).toBe(false);
  });

  it('keeps integrations out of administration', () => {
    expect(policy.can(integration, 'contact:update', { type: 'contact', tenantId: 'ten_1', id: 'ctc_1' })).toBe(true);
    expect(policy.can(integration, 'audit:read')).toBe(false);
    expect(policy.can(integration, 'grant:create')).toBe(false);
    expect(policy.can(integration, 'contact:merge')).toBe(false);
  });

  it('ignores roles it does not know', () => {
    expect(policy.can({ ...agent, roles: ['root'] }, 'conversation:read')).toBe(false);
    expect(policy.can({ ...agent, roles: [] }, 'conversation:read')).toBe(false);
    expect(policy.can({ ...agent, roles: ['root', 'supervisor'] }, 'audit:read')).toBe(true);
    expect(policy.rolesOf({ ...agent, roles: ['root', 'supervisor'] })).toEqual(['agent', 'supervisor']);
  });

  it('combines several roles', () => {
    const both: Principal = { ...agent, roles: ['agent', 'integration'] };
    expect(policy.can(both, 'conversation:update', theirs)).toBe(true);
    expect(policy.can({ ...both, roles: ['integration', 'agent'] }, 'conversation:update', theirs)).toBe(true);
  });

  it('lists roles and permissions', () => {
    expect(policy.roleNames).toEqual(['admin', 'agent', 'integration', 'supervisor']);
    expect(policy.rolesOf(supervisor)).toEqual(['agent', 'supervisor']);
    const permissions = policy.permissionsOf(agent);
    expect(permissions).toContainEqual({ action: 'conversation:read' });
    expect(permissions).toContainEqual({ action: 'conversation:update', when: 'assigned' });
    // Supervisors hold conversation:update outright, so the agent's condition is gone.
    expect(policy.permissionsOf(supervisor)).not.toContainEqual({ action: 'conversation:update', when: 'assigned' });
    expect(policy.permissionsOf(admin)).toEqual([{ action: '*' }]);
  });

  it('exposes the built-in definitions read-only', () => {
    expect(Object.isFrozen(BUILT_IN_ROLES)).toBe(true);
    expect(BUILT_IN_ROLES.admin.permissions).toEqual(['*']);
  });
});

describe('tenant isolation', () => {
  const policy = createPolicy();

  it('denies every role on a resource of another tenant', () => {
    for (const principal of [agent, supervisor, admin, integration]) {
      expect(policy.can(principal, 'conversation:read', foreign)).toBe(false);
      expect(policy.evaluate(principal, 'conversation:read', foreign)).toEqual({
        allowed: false,
        reason: 'tenant_mismatch',
      });
    }
  });

  it('throws the same ForbiddenError as any other denial', () => {
    const crossTenant = thrown(() => policy.authorize(admin, 'conversation:read', foreign)) as ForbiddenError;
    const plain = thrown(() =>
      policy.authorize(agent, 'conversation:update', { ...foreign, tenantId: 'ten_1', assigneeId: 'agt_2' }),
    ) as ForbiddenError;
    expect(crossTenant).toBeInstanceOf(ForbiddenError);
    expect(crossTenant.code).toBe('FORBIDDEN');
    expect(crossTenant.details).toEqual({
      action: 'conversation:read',
      resourceType: 'conversation',
      resourceId: 'cnv_4',
    });
    expect(Object.keys(crossTenant.details)).toEqual(Object.keys(plain.details));
    expect(crossTenant.message).toBe('Not allowed to conversation:read');
  });

  it('ignores grants for resources of another tenant', () => {
    const clock = new SimulatedClock();
    const p = createPolicy({ clock });
    const grant = p.grantTemporary({ granter: admin, grantee: agent, action: 'conversation:*', ttlMs: 60_000 });
    expect(p.can({ ...agent, grants: [grant] }, 'conversation:update', foreign)).toBe(false);
  });

  it('property: nothing is ever allowed across tenants', () => {
    const roles = fc.subarray(['agent', 'supervisor', 'admin', 'integration', 'root']);
    const verb = fc.constantFrom('read', 'update', 'delete', 'merge', 'manage', 'create');
    const type = fc.constantFrom('conversation', 'contact', 'ticket', 'agent', 'audit');
    fc.assert(
      fc.property(roles, type, verb, fc.boolean(), (principalRoles, resourceType, action, assigned) => {
        const principal: Principal = { id: 'agt_1', tenantId: 'ten_1', roles: principalRoles };
        const resource: Resource = {
          type: resourceType,
          tenantId: 'ten_2',
          id: 'agt_1',
          assigneeId: assigned ? 'agt_1' : null,
          ownerId: 'agt_1',
        };
        expect(policy.can(principal, `${resourceType}:${action}`, resource)).toBe(false);
      }),
    );
  });
});

describe('custom roles and conditions', () => {
  it('supports resource wildcards', () => {
    const policy = createPolicy({ roles: { ticketeer: { permissions: ['ticket:*'] } } });
    const p: Principal = { id: 'u', tenantId: 't', roles: ['ticketeer'] };
    expect(policy.can(p, 'ticket:delete')).toBe(true);
    expect(policy.can(p, 'ticket:read')).toBe(true);
    expect(policy.can(p, 'contact:read')).toBe(false);
    expect(policy.can(p, 'tickets:read')).toBe(false);
  });

  it('inherits, and overrides built-in roles', () => {
    const policy = createPolicy({
      roles: {
        qa: { inherits: ['agent'], permissions: ['audit:read'] },
        agent: { permissions: ['conversation:read'] },
      },
    });
    const qa: Principal = { id: 'q', tenantId: 'ten_1', roles: ['qa'] };
    expect(policy.can(qa, 'audit:read')).toBe(true);
    expect(policy.can(qa, 'conversation:read')).toBe(true);
    // The overridden agent role no longer has conditional updates.
    expect(policy.can({ ...qa, id: 'agt_1' }, 'conversation:update', mine)).toBe(false);
    // Supervisors inherit the overridden agent role.
    expect(policy.rolesOf(supervisor)).toEqual(['agent', 'supervisor']);
  });

  it('runs custom predicates and accepts only true', () => {
    const policy = createPolicy({
      roles: {
        vip: {
          permissions: [
            { action: 'contact:read', when: ({ resource }) => resource.vip === true },
            { action: 'contact:update', when: (() => 'yes') as unknown as () => boolean },
          ],
        },
      },
    });
    const p: Principal = { id: 'u', tenantId: 't', roles: ['vip'] };
    expect(policy.can(p, 'contact:read', { type: 'contact', tenantId: 't', id: 'c', vip: true })).toBe(true);
    expect(policy.can(p, 'contact:read', { type: 'contact', tenantId: 't', id: 'c' })).toBe(false);
    expect(policy.can(p, 'contact:update', { type: 'contact', tenantId: 't', id: 'c' })).toBe(false);
    expect(policy.permissionsOf(p)).toEqual([
      { action: 'contact:read', when: 'custom' },
      { action: 'contact:update', when: 'custom' },
    ]);
  });

  it('checks group and owner conditions', () => {
    const policy = createPolicy({
      roles: {
        team: {
          permissions: [
            { action: 'queue:update', when: 'group' },
            { action: 'report:delete', when: 'owner' },
          ],
        },
      },
    });
    const p: Principal = { id: 'u1', tenantId: 't', roles: ['team'], groups: ['billing'] };
    expect(policy.can(p, 'queue:update', { type: 'queue', tenantId: 't', id: 'q', groupId: 'billing' })).toBe(true);
    expect(policy.can(p, 'queue:update', { type: 'queue', tenantId: 't', id: 'q', groupId: 'sales' })).toBe(false);
    expect(
      policy.can({ ...p, groups: undefined }, 'queue:update', { type: 'queue', tenantId: 't', groupId: 'billing' }),
    ).toBe(false);
    expect(policy.can(p, 'report:delete', { type: 'report', tenantId: 't', ownerId: 'u1' })).toBe(true);
    expect(policy.can(p, 'report:delete', { type: 'report', tenantId: 't', ownerId: null })).toBe(false);
  });

  it('rejects malformed definitions with ValidationError', () => {
    const bad: unknown[] = [
      { roles: { r: { permissions: ['Conversation:Read'] } } },
      { roles: { r: { permissions: ['conversation'] } } },
      { roles: { r: { permissions: ['conversation:read:all'] } } },
      { roles: { r: { permissions: [''] } } },
      { roles: { r: { permissions: ['*:read'] } } },
      { roles: { r: { permissions: [{ action: 'conversation:read', when: 'sometimes' }] } } },
      { roles: { r: { permissions: [{ action: 'conversation:read' }] } } },
      { roles: { r: { permissions: 'conversation:read' } } },
      { roles: { r: { inherits: ['ghost'], permissions: [] } } },
      { roles: { a: { inherits: ['b'], permissions: [] }, b: { inherits: ['a'], permissions: [] } } },
      { roles: { self: { inherits: ['self'], permissions: [] } } },
      { roles: { 'Bad Role': { permissions: [] } } },
      { roles: { r: { permissions: [], extra: true } } },
      { clock: {} },
      { maxGrantMs: 0 },
      { unknown: 1 },
    ];
    for (const options of bad)
      expect(() => createPolicy(options as never), JSON.stringify(options)).toThrow(ValidationError);
  });

  it('rejects malformed checks with ValidationError', () => {
    const policy = createPolicy();
    expect(() => policy.can(agent, 'conversation')).toThrow(ValidationError);
    expect(() => policy.can(agent, 'conversation:*')).toThrow(ValidationError);
    expect(() => policy.can(agent, '*')).toThrow(ValidationError);
    expect(() => policy.can(agent, 42 as unknown as string)).toThrow(ValidationError);
    expect(() => policy.can(agent, 'ticket:delete', mine)).toThrow(ValidationError);
    expect(() => policy.can(agent, 'conversation:read', { type: 'conversation' } as Resource)).toThrow(ValidationError);
    expect(() => policy.can(null as unknown as Principal, 'conversation:read')).toThrow(ValidationError);
    expect(() => policy.can({ id: 'x', roles: ['agent'] } as unknown as Principal, 'conversation:read')).toThrow(
      ValidationError,
    );
    expect(() => policy.can({ ...agent, roles: 'agent' } as unknown as Principal, 'conversation:read')).toThrow(
      ValidationError,
    );
    const badGrant = { action: 'conversation:read', expiresAt: 'tomorrow', grantedBy: 'x' } as TemporaryGrant;
    expect(() => policy.can({ ...agent, grants: [badGrant] }, 'conversation:read')).toThrow(ValidationError);
  });
});

describe('temporary grants', () => {
  function setup() {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
    return { clock, policy: createPolicy({ clock }) };
  }

  it('allow until they expire on the injected clock', async () => {
    const { clock, policy } = setup();
    const grant = policy.grantTemporary({
      granter: supervisor,
      grantee: agent,
      action: 'conversation:update',
      resourceId: 'cnv_2',
      ttlMs: 3_600_000,
      reason: 'covering for agt_2',
    });
    expect(grant).toEqual({
      action: 'conversation:update',
      resourceType: 'conversation',
      resourceId: 'cnv_2',
      expiresAt: '2026-01-01T01:00:00.000Z',
      grantedBy: 'agt_9',
      grantedTo: 'agt_1',
      grantedAt: '2026-01-01T00:00:00.000Z',
      reason: 'covering for agt_2',
    });
    const covering: Principal = { ...agent, grants: [grant] };
    expect(policy.can(covering, 'conversation:update', theirs)).toBe(true);
    expect(policy.evaluate(covering, 'conversation:update', theirs)).toEqual({ allowed: true, reason: 'grant' });
    expect(policy.can(covering, 'conversation:update', unassigned)).toBe(false);
    expect(policy.can(covering, 'conversation:update')).toBe(false);
    expect(policy.can(covering, 'conversation:close', theirs)).toBe(false);

    await clock.advance(3_600_000 - 1);
    expect(policy.can(covering, 'conversation:update', theirs)).toBe(true);
    await clock.advance(1);
    expect(policy.can(covering, 'conversation:update', theirs)).toBe(false);
    expect(() => policy.authorize(covering, 'conversation:update', theirs)).toThrow(ForbiddenError);
  });

  it('can cover a whole resource type with a wildcard', () => {
    const { policy } = setup();
    const grant = policy.grantTemporary({
      granter: admin,
      grantee: agent,
      action: 'conversation:*',
      expiresAt: '2026-01-01T08:00:00.000Z',
    });
    const p = { ...agent, grants: [grant] };
    expect(policy.can(p, 'conversation:transfer', theirs)).toBe(true);
    expect(policy.can(p, 'conversation:delete', theirs)).toBe(true);
    expect(policy.can(p, 'conversation:monitor')).toBe(true);
    expect(policy.can(p, 'contact:merge')).toBe(false);
  });

  it('refuse self-granting', () => {
    const { policy } = setup();
    const error = thrown(() =>
      policy.grantTemporary({ granter: supervisor, grantee: supervisor, action: 'audit:read', ttlMs: 1000 }),
    ) as ForbiddenError;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.details).toEqual({ action: 'audit:read', reason: 'self_grant' });
  });

  it('never count a self-granted or someone else’s grant found on a principal', () => {
    const { policy } = setup();
    const forged: TemporaryGrant = {
      action: 'audit:read',
      expiresAt: '2026-01-02T00:00:00.000Z',
      grantedBy: agent.id,
    };
    expect(policy.can({ ...agent, grants: [forged] }, 'audit:read')).toBe(false);
    const borrowed = policy.grantTemporary({
      granter: supervisor,
      grantee: otherAgent,
      action: 'audit:read',
      ttlMs: 1000,
    });
    expect(policy.can({ ...otherAgent, grants: [borrowed] }, 'audit:read')).toBe(true);
    expect(policy.can({ ...agent, grants: [borrowed] }, 'audit:read')).toBe(false);
  });

  it('require the granter to hold grant:create from a role', () => {
    const { policy } = setup();
    const error = thrown(() =>
      policy.grantTemporary({ granter: otherAgent, grantee: agent, action: 'conversation:read', ttlMs: 1000 }),
    ) as ForbiddenError;
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.details.reason).toBe('missing_permission');
    // A temporary grant of grant:create does not make someone a granter.
    const lent = policy.grantTemporary({ granter: admin, grantee: otherAgent, action: 'grant:create', ttlMs: 1000 });
    const borrower = { ...otherAgent, grants: [lent] };
    expect(policy.can(borrower, 'grant:create')).toBe(true);
    expect(() =>
      policy.grantTemporary({ granter: borrower, grantee: agent, action: 'conversation:read', ttlMs: 1000 }),
    ).toThrow(ForbiddenError);
  });

  it('refuse to grant more than the granter holds', () => {
    const { policy } = setup();
    // Supervisors hold many conversation verbs, but not conversation:* (no delete).
    expect(() =>
      policy.grantTemporary({ granter: supervisor, grantee: agent, action: 'conversation:*', ttlMs: 1000 }),
    ).toThrow(ForbiddenError);
    const error = thrown(() =>
      policy.grantTemporary({ granter: supervisor, grantee: agent, action: 'ticket:delete', ttlMs: 1000 }),
    ) as ForbiddenError;
    expect(error.details.reason).toBe('exceeds_granter');
    expect(() =>
      policy.grantTemporary({ granter: supervisor, grantee: agent, action: 'ticket:*', ttlMs: 1000 }),
    ).toThrow(ForbiddenError);
    expect(policy.grantTemporary({ granter: admin, grantee: agent, action: 'ticket:*', ttlMs: 1000 }).action).toBe(
      'ticket:*',
    );
  });

  it('refuse grants across tenants', () => {
    const { policy } = setup();
    const error = thrown(() =>
      policy.grantTemporary({
        granter: admin,
        grantee: { ...agent, tenantId: 'ten_2' },
        action: 'conversation:read',
        ttlMs: 1000,
      }),
    ) as ForbiddenError;
    expect(error.details.reason).toBe('tenant_mismatch');
  });

  it('validate the grant request', () => {
    const { policy } = setup();
    const base = { granter: admin, grantee: agent };
    const bad: unknown[] = [
      { ...base, action: '*', ttlMs: 1000 },
      { ...base, action: 'conversation:read' },
      { ...base, action: 'conversation:read', ttlMs: 1000, expiresAt: '2026-01-01T01:00:00.000Z' },
      { ...base, action: 'conversation:read', ttlMs: 86_400_001 },
      { ...base, action: 'conversation:read', expiresAt: '2025-12-31T23:59:59.000Z' },
      { ...base, action: 'conversation:read', expiresAt: '2026-01-01T00:00:00.000Z' },
      { ...base, action: 'conversation:read', ttlMs: -5 },
      { ...base, action: 'conversation:read', resourceType: 'ticket', ttlMs: 1000 },
      { ...base, action: 'conversation:read', ttlMs: 1000, note: 'x' },
    ];
    for (const input of bad)
      expect(() => policy.grantTemporary(input as never), JSON.stringify(input)).toThrow(ValidationError);
    const longer = createPolicy({ maxGrantMs: 7 * 86_400_000, clock: new SimulatedClock(Date.UTC(2026, 0, 1)) });
    expect(longer.grantTemporary({ ...base, action: 'conversation:read', ttlMs: 86_400_001 }).expiresAt).toBe(
      '2026-01-02T00:00:00.001Z',
    );
  });
});

describe('performance', () => {
  it('answers 200k checks well under a second', () => {
    const policy = createPolicy();
    const principals = [agent, supervisor, admin, integration, { ...agent, roles: ['agent', 'integration'] }];
    const actions = ['conversation:read', 'conversation:update', 'ticket:delete', 'audit:read', 'contact:merge'];
    const started = performance.now();
    let allowed = 0;
    for (let i = 0; i < 200_000; i++) {
      const action = actions[(i % 7) % 5] as string;
      const resource = action.startsWith('conversation:') ? (i % 2 ? mine : theirs) : undefined;
      if (policy.can(principals[i % 5] as Principal, action, resource)) allowed++;
    }
    const elapsed = performance.now() - started;
    expect(allowed).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(1500);
  });
});
