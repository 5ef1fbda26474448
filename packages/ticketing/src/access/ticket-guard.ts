import {
  type AuditLog,
  type Clock,
  type EventBus,
  ForbiddenError,
  idSchema,
  type Policy,
  type Principal,
  parseInput,
  type Resource,
  systemClock,
  type TemporaryGrant,
  timestampSchema,
  ValidationError,
} from '@hotline/core';
import { z } from 'zod';
import type { HistoryEntry } from '../model/history.js';
import type { TicketGuard } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { type ApprovalRule, compileApprovalRules, DEFAULT_APPROVAL_RULES, ruleMatches } from './approval-rules.js';
import {
  type Approval,
  type ApprovalListFilter,
  type ApprovalStore,
  createMemoryApprovalStore,
} from './approval-store.js';
import { createApprovalService, type RequestApprovalInput } from './approvals.js';
import { compileFieldPermissions, type FieldMode, type FieldPermissions, rulesAllow } from './field-rules.js';
import { parseGuardRequest, parseStoredTicket, ticketResource, withoutContext } from './guard-request.js';
import { isEmptyValue, NOT_FIELD_WRITES, propertyNameSchema } from './properties.js';
import { type ReadView, redactHistoryEntry, redactTicket, viewAllows } from './redact.js';
import { parseSensitiveFields, type SensitiveFields } from './sensitive-fields.js';

/** Options of the approval workflow. */
export interface TicketApprovalOptions {
  /** When an operation needs an approval. @default DEFAULT_APPROVAL_RULES */
  rules?: readonly ApprovalRule[];
  /** Where approvals live. @default createMemoryApprovalStore() */
  store?: ApprovalStore;
  /** How long a request stays decidable and, once approved, usable. @default 86_400_000 (24 hours) */
  ttlMs?: number;
}

/** Options of {@link createTicketGuard}. */
export interface TicketGuardOptions {
  /** Core's RBAC policy; use the same clock for it (grant expiry) as for the guard. */
  policy: Policy;
  /** Core's audit log: approval requests, decisions, uses and expiries, field grants. */
  audit: AuditLog;
  /** Where `ticket.approval_requested` / `ticket.approval_decided` are published. */
  bus: EventBus;
  /** Decides when approvals expire. @default systemClock */
  clock?: Clock;
  /** Field-level read / write / unmask rules by role. @default {} (every property readable and writable) */
  fieldPermissions?: FieldPermissions;
  /** Sensitive properties and how each is masked. @default {} */
  sensitiveFields?: SensitiveFields;
  /** The approval workflow. @default { rules: DEFAULT_APPROVAL_RULES } */
  approvals?: TicketApprovalOptions;
  /**
   * Groups of a principal beyond `principal.groups` (for `when: 'group'`), e.g. from the
   * host's directory. Synchronous: it runs on every check, reads included.
   * @default undefined (only `principal.groups`)
   */
  groupsOf?: (principal: Principal) => readonly string[] | undefined;
}

/** Input of {@link TicketGuardService.grantFieldAccess}. Give `ttlMs` or `expiresAt`. */
export interface GrantFieldAccessInput {
  granter: Principal;
  grantee: Principal;
  /** What is lent on the property. */
  access: FieldMode;
  /** One property, e.g. `priority` or `fields.salary`. */
  property: string;
  ttlMs?: number;
  expiresAt?: string;
  reason?: string;
}

/** The guard the ticket service calls, plus the approval workflow and field grants. */
export interface TicketGuardService extends TicketGuard {
  /** A history entry as this principal may see it (changes to unreadable properties left out, sensitive values masked). */
  redactEntry(principal: Principal, entry: HistoryEntry, ticket?: Ticket): HistoryEntry;
  /** Whether the principal may read / write / see unmasked one property (roles' field rules and grants). */
  canAccessField(principal: Principal, mode: FieldMode, property: string): boolean;
  /**
   * Lends field access for a while, as a core temporary grant of `ticket_field:<access>`
   * on the property. Beyond core's checks (no self-grant, `grant:create`, same tenant),
   * the granter's own field rules must allow the access. Audited as `grant.created`.
   */
  grantFieldAccess(input: GrantFieldAccessInput): Promise<TemporaryGrant>;
  /** Asks for an approval of one risky operation. Publishes `ticket.approval_requested`. */
  requestApproval(input: RequestApprovalInput): Promise<Approval>;
  /**
   * Approves (needs `ticket:approve`; never the requester; each approver once). The
   * approval becomes `approved` when enough distinct approvers approved.
   */
  approve(principal: Principal, approvalId: string): Promise<Approval>;
  /**
   * Gives back an approval that `authorize` used for a write that then did not commit (a
   * version conflict before a retry, a failed validation), so the retried write can use it:
   * `used` becomes `approved` again (or `expired`, past its expiry). For the service, on
   * behalf of the requester; never expose it to clients, or a used approval could be
   * replayed. Audited as `ticket.approval_released`.
   */
  releaseApproval(principal: Principal, approvalId: string): Promise<Approval>;
  /** Rejects with a note (needs `ticket:approve`; never the requester); final. */
  reject(principal: Principal, approvalId: string, note: string): Promise<Approval>;
  /** One approval, to its requester or an approver; `NotFoundError` otherwise. */
  getApproval(principal: Principal, approvalId: string): Promise<Approval>;
  /** Approvals of the tenant (approvers) or the principal's own requests (others), oldest first. */
  listApprovals(principal: Principal, filter?: Omit<ApprovalListFilter, 'requestedBy'>): Promise<Approval[]>;
}

const fn = (what: string, methods: string[]) =>
  z.custom<unknown>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    what,
  );

const optionsSchema = z.strictObject({
  policy: fn('a core Policy', ['can', 'evaluate', 'authorize', 'rolesOf', 'grantTemporary']),
  audit: fn('a core AuditLog', ['append']),
  bus: fn('an EventBus', ['publish']),
  clock: fn('a Clock', ['now']).optional(),
  fieldPermissions: z.unknown().optional(),
  sensitiveFields: z.unknown().optional(),
  approvals: z
    .strictObject({
      rules: z.unknown().optional(),
      store: fn('an ApprovalStore', ['create', 'get', 'update', 'list']).optional(),
      ttlMs: z
        .int()
        .min(1000)
        .max(30 * 86_400_000)
        .optional(),
    })
    .optional(),
  groupsOf: z.custom<unknown>((value) => typeof value === 'function', 'a function').optional(),
});

const groupsSchema = z.array(idSchema).max(1000);

const fieldModeSchema = z.enum(['read', 'write', 'unmask']);

const grantInputSchema = z.looseObject({
  access: fieldModeSchema,
  property: propertyNameSchema,
  ttlMs: z.int().positive().optional(),
  expiresAt: timestampSchema.optional(),
  reason: z.string().max(500).optional(),
});

// Like tickets, entries come from the service's store: checked for what redaction relies on.
const storedEntrySchema = z.looseObject({
  tenantId: idSchema,
  ticketId: idSchema,
  changes: z.array(z.looseObject({ property: z.string() })),
});

const ASSIGNMENT_PROPERTIES = new Set(['assigneeId', 'groupId']);

/**
 * Creates the access control of the ticket service: RBAC on every operation
 * (`ticket:<operation>` on the ticket, so `assigned` and `group` conditions apply),
 * field-level write checks, approvals for risky operations, and read redaction.
 *
 * @throws ValidationError when an option is malformed (an unknown role in field rules, a
 *   bad pattern, a duplicate approval rule id…).
 * @example
 * ```ts
 * const hotline = createHotline({ clock });
 * const policy = createPolicy({ clock });
 * const guard = createTicketGuard({
 *   policy,
 *   audit: hotline.audit,
 *   bus: hotline.bus,
 *   clock,
 *   fieldPermissions: { agent: { denyRead: ['fields.salary'], denyWrite: ['priority'] } },
 *   sensitiveFields: { 'fields.email': 'email', 'fields.ssn': 'id_number' },
 * });
 * await guard.authorize({ principal: agent, operation: 'update', ticket, changes: [{ property: 'status', to: 'open' }] });
 * const visible = guard.redact(agent, ticket); // salary removed, email and SSN masked
 * ```
 */
export function createTicketGuard(options: TicketGuardOptions): TicketGuardService {
  parseInput(optionsSchema, options, 'ticket guard options');
  const { policy, audit, groupsOf } = options;
  const clock = options.clock ?? systemClock;
  const fields = compileFieldPermissions(policy, options.fieldPermissions);
  const sensitive = parseSensitiveFields(options.sensitiveFields);
  const rules = compileApprovalRules(options.approvals?.rules ?? DEFAULT_APPROVAL_RULES);

  /** The principal, checked, with the groups `groupsOf` adds. */
  function effective(principal: Principal): Principal {
    policy.rolesOf(principal); // throws ValidationError for a malformed principal
    const extra = groupsOf?.(principal);
    if (extra === undefined || extra.length === 0) return principal;
    const groups = parseInput(groupsSchema, extra, 'groups from groupsOf');
    return { ...principal, groups: [...new Set([...(principal.groups ?? []), ...groups])] };
  }

  const approvals = createApprovalService({
    policy,
    clock,
    audit,
    bus: options.bus,
    store: options.approvals?.store ?? createMemoryApprovalStore(),
    rules,
    ttlMs: options.approvals?.ttlMs ?? 86_400_000,
    effective,
  });

  /** Whether an active temporary grant lends `mode` on the property (roles do not count). */
  function lender(principal: Principal): ReadView['lent'] {
    if (!principal.grants || principal.grants.length === 0) return () => false;
    const grantsOnly: Principal = { ...principal, roles: [] };
    return (mode, property) =>
      policy.can(grantsOnly, `ticket_field:${mode}`, {
        type: 'ticket_field',
        tenantId: principal.tenantId,
        id: property,
      });
  }

  function viewOf(principal: Principal, resource: Resource | undefined): ReadView {
    return {
      access: fields.accessOf(principal),
      unmaskAll: sensitive.size === 0 || policy.can(principal, 'ticket:read_sensitive', resource),
      lent: lender(principal),
      sensitive,
    };
  }

  function canAccess(principal: Principal, mode: FieldMode, property: string): boolean {
    return viewAllows(viewOf(principal, undefined), mode, property);
  }

  function assertSameTenant(principal: Principal, tenantId: string, id: string): void {
    // The same refusal as any other, as core's policy does, so ids of other tenants cannot be probed.
    if (tenantId !== principal.tenantId) {
      throw new ForbiddenError('Not allowed to ticket:read', {
        details: { action: 'ticket:read', resourceType: 'ticket', resourceId: id },
      });
    }
  }

  return {
    async authorize(input) {
      parseGuardRequest(input);
      const request = withoutContext(input);
      const principal = effective(request.principal);
      const action = `ticket:${request.operation}`;
      const tenantId = request.ticket?.tenantId ?? request.tenantId;
      const resource: Resource | undefined = request.ticket
        ? ticketResource(request.ticket)
        : tenantId !== undefined
          ? { type: 'ticket', tenantId }
          : undefined;
      policy.authorize(principal, action, resource);
      const changes = request.changes ?? [];
      // Moving a ticket to another agent or group is assigning, whatever the operation is called.
      if (
        request.operation !== 'create' &&
        request.operation !== 'assign' &&
        changes.some((change) => ASSIGNMENT_PROPERTIES.has(change.property))
      ) {
        policy.authorize(principal, 'ticket:assign', resource);
      }
      const denied = changes
        .filter((change) => !NOT_FIELD_WRITES.has(change.property))
        .filter((change) => request.operation !== 'create' || !isEmptyValue(change.to))
        .map((change) => change.property)
        .filter((property) => !canAccess(principal, 'write', property));
      if (denied.length > 0) {
        const details: Record<string, unknown> = {
          action,
          reason: 'field_write_denied',
          property: denied[0],
          properties: denied,
          resourceType: 'ticket',
        };
        if (request.ticket) details.resourceId = request.ticket.id;
        throw new ForbiddenError(`Not allowed to write ${denied.join(', ')}`, { details });
      }
      const matched = rules.filter((rule) => ruleMatches(rule, request));
      if (matched.length === 0) return undefined;
      await approvals.consume(request, principal, matched);
      return { usedApprovalId: request.approvalId as string };
    },

    redact(input, ticket) {
      parseStoredTicket(ticket);
      const principal = effective(input);
      assertSameTenant(principal, ticket.tenantId, ticket.id);
      return redactTicket(ticket, viewOf(principal, ticketResource(ticket)));
    },

    redactEntry(input, entry, ticket) {
      parseInput(storedEntrySchema, entry, 'history entry');
      const principal = effective(input);
      if (ticket !== undefined) {
        parseStoredTicket(ticket);
        if (ticket.id !== entry.ticketId) {
          throw new ValidationError('Invalid history entry: not of this ticket', [
            { path: 'ticketId', message: "must be the ticket's id" },
          ]);
        }
      }
      assertSameTenant(principal, entry.tenantId, entry.ticketId);
      const resource = ticket
        ? ticketResource(ticket)
        : { type: 'ticket', tenantId: entry.tenantId, id: entry.ticketId };
      return redactHistoryEntry(entry, viewOf(principal, resource));
    },

    canAccessField(input, mode, property) {
      const principal = effective(input);
      return canAccess(
        principal,
        parseInput(fieldModeSchema, mode, 'field access'),
        parseInput(propertyNameSchema, property, 'property'),
      );
    },

    async grantFieldAccess(input) {
      const parsed = parseInput(grantInputSchema, input, 'field grant');
      const granter = effective(input.granter);
      const access = fields.accessOf(granter);
      // Only what the granter holds by role counts: access on loan cannot be lent on.
      const holds =
        parsed.access === 'unmask'
          ? rulesAllow(access, 'unmask', parsed.property) ||
            policy.evaluate(granter, 'ticket:read_sensitive').reason === 'role'
          : rulesAllow(access, parsed.access, parsed.property);
      if (!holds) {
        throw new ForbiddenError(`Cannot lend ${parsed.access} on ${parsed.property}: the granter does not hold it`, {
          details: { action: `ticket_field:${parsed.access}`, reason: 'exceeds_granter', property: parsed.property },
        });
      }
      const grant = policy.grantTemporary({
        granter,
        grantee: input.grantee,
        action: `ticket_field:${parsed.access}`,
        resourceId: parsed.property,
        ...(parsed.ttlMs !== undefined ? { ttlMs: parsed.ttlMs } : {}),
        ...(parsed.expiresAt !== undefined ? { expiresAt: parsed.expiresAt } : {}),
        ...(parsed.reason !== undefined ? { reason: parsed.reason } : {}),
      });
      await audit.append(granter.tenantId, {
        actor: { kind: 'agent', id: granter.id },
        action: 'grant.created',
        resource: { type: 'agent', id: input.grantee.id },
        details: { ...grant },
      });
      return grant;
    },

    requestApproval: (input) => approvals.request(input),
    approve: (principal, id) => approvals.approve(principal, id),
    reject: (principal, id, note) => approvals.reject(principal, id, note),
    releaseApproval: (principal, id) => approvals.release(principal, id),
    getApproval: (principal, id) => approvals.get(principal, id),
    listApprovals: (principal, filter) => approvals.list(principal, filter),
  };
}
