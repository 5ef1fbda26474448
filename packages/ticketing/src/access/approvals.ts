import {
  type AuditLog,
  attributesSchema,
  type Clock,
  type EventBus,
  ForbiddenError,
  IllegalTransitionError,
  idSchema,
  isoNow,
  NotFoundError,
  newId,
  type Policy,
  type Principal,
  parseInput,
  type Resource,
  retryOnConflict,
} from '@hotline/core';
import { z } from 'zod';
import type { GuardRequest, TicketOperation } from '../model/ports.js';
import { approversFor, type CompiledApprovalRule, changesFingerprint } from './approval-rules.js';
import type { Approval, ApprovalListFilter, ApprovalStatus, ApprovalStore, ApprovedChange } from './approval-store.js';
import { changesSchema, ticketOperationSchema } from './guard-request.js';

/** What `TicketGuardService.requestApproval` takes. */
export interface RequestApprovalInput {
  /** Who asks; only they may use the approval, and they may not approve it. */
  principal: Principal;
  operation: TicketOperation;
  ticketId?: string;
  /** Exactly the changes the operation will make (compared value by value when used). */
  changes?: readonly ApprovedChange[];
  /** For bulk operations: exactly how many tickets. */
  count?: number;
  /** Why, for the approvers (1–1000 characters). */
  reason: string;
}

/** Why a given approval did not authorise an operation (`details.problem`). */
export type ApprovalProblem =
  | 'not_found'
  | 'pending'
  | 'rejected'
  | 'expired'
  | 'used'
  | 'not_requester'
  | 'mismatch'
  | 'insufficient_approvers';

// A change value is bounded JSON: core's attribute check gives depth, size and key limits.
const boundedValueSchema = z
  .unknown()
  .refine((value) => value === undefined || attributesSchema.safeParse({ value }).success, {
    message: 'a JSON value of at most 16 KB, nested at most 16 deep',
  });

const requestSchema = z.strictObject({
  principal: z.unknown(),
  operation: ticketOperationSchema,
  ticketId: idSchema.optional(),
  changes: changesSchema.pipe(z.array(z.object({ property: z.string(), to: boundedValueSchema }))).optional(),
  count: z.int().min(0).max(1_000_000_000).optional(),
  reason: z.string().trim().min(1).max(1000),
});

const noteSchema = z.string().trim().min(1).max(1000);
const listFilterSchema = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'expired', 'used']).optional(),
  ticketId: idSchema.optional(),
  limit: z.int().min(1).max(1000).optional(),
});

/** Wiring of the approval workflow, from `createTicketGuard`. */
export interface ApprovalServiceDeps {
  policy: Policy;
  clock: Clock;
  audit: AuditLog;
  bus: EventBus;
  store: ApprovalStore;
  rules: readonly CompiledApprovalRule[];
  ttlMs: number;
  /** The principal with its groups resolved (and checked). */
  effective(principal: Principal): Principal;
}

/** The approval workflow: request, decide, list, and use once inside `authorize`. */
export interface ApprovalService {
  request(input: RequestApprovalInput): Promise<Approval>;
  approve(principal: Principal, id: string): Promise<Approval>;
  reject(principal: Principal, id: string, note: string): Promise<Approval>;
  get(principal: Principal, id: string): Promise<Approval>;
  list(principal: Principal, filter?: Omit<ApprovalListFilter, 'requestedBy'>): Promise<Approval[]>;
  /** Uses a valid approval for `request` or throws `approval_required`. */
  consume(request: GuardRequest, principal: Principal, matched: readonly CompiledApprovalRule[]): Promise<void>;
  /** Puts back an approval used by a write that did not commit. */
  release(principal: Principal, id: string): Promise<Approval>;
}

const approvedCount = (approval: Approval) =>
  approval.decisions.filter((decision) => decision.decision === 'approved').length;

/** The audit record of a status change, without `undefined` values (audit details are JSON). */
function auditDetails(approval: Approval, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const details: Record<string, unknown> = {
    operation: approval.operation,
    requestedBy: approval.requestedBy,
    approvals: approvedCount(approval),
    required: approval.approvers,
    ...extra,
  };
  if (approval.ticketId !== undefined) details.ticketId = approval.ticketId;
  if (approval.count !== undefined) details.count = approval.count;
  return details;
}

/** Builds the approval workflow over a store, the policy, the audit log and the bus. */
export function createApprovalService(deps: ApprovalServiceDeps): ApprovalService {
  const { policy, clock, audit, bus, store, rules } = deps;

  const actorOf = (principal: Principal) =>
    ({ kind: policy.rolesOf(principal).includes('integration') ? 'integration' : 'agent', id: principal.id }) as const;

  const resourceOf = (approval: Approval): Resource => {
    const resource: Resource = { type: 'ticket', tenantId: approval.tenantId };
    if (approval.ticketId !== undefined) resource.id = approval.ticketId;
    return resource;
  };

  async function record(
    approval: Approval,
    action: string,
    actor: { kind: 'agent' | 'integration' | 'system'; id: string },
    from: ApprovalStatus | undefined,
    extra?: Record<string, unknown>,
  ): Promise<void> {
    await audit.append(approval.tenantId, {
      actor,
      action,
      resource: { type: 'approval', id: approval.id },
      changes: { status: from === undefined ? { to: approval.status } : { from, to: approval.status } },
      details: auditDetails(approval, extra),
    });
  }

  /** Writes `next` over `previous` (compare-and-set on version). */
  async function write(previous: Approval, next: Omit<Approval, 'version'>): Promise<Approval> {
    const stored: Approval = { ...next, version: previous.version + 1 };
    await store.update(stored);
    return stored;
  }

  async function load(tenantId: string, id: string): Promise<Approval> {
    const approval = await store.get(tenantId, id);
    if (!approval) throw new NotFoundError('approval', id);
    return approval;
  }

  /** Expires a pending or approved approval whose time is up, and records it. */
  async function settle(approval: Approval): Promise<Approval> {
    const live = approval.status === 'pending' || approval.status === 'approved';
    if (!live || clock.now() < Date.parse(approval.expiresAt)) return approval;
    const now = isoNow(clock);
    const expired = await write(approval, { ...approval, status: 'expired', decidedAt: now });
    await record(expired, 'ticket.approval_expired', { kind: 'system', id: 'approval_expiry' }, approval.status);
    return expired;
  }

  /** How an approval reads now, without writing (for get and list). */
  function view(approval: Approval): Approval {
    const live = approval.status === 'pending' || approval.status === 'approved';
    return live && clock.now() >= Date.parse(approval.expiresAt) ? { ...approval, status: 'expired' } : approval;
  }

  async function decide(
    input: Principal,
    id: string,
    decision: 'approved' | 'rejected',
    note?: string,
  ): Promise<Approval> {
    const principal = deps.effective(input);
    const approvalId = parseInput(idSchema, id, 'approval id');
    let previous: ApprovalStatus = 'pending';
    const decided = await retryOnConflict(async () => {
      const current = await settle(await load(principal.tenantId, approvalId));
      if (current.status !== 'pending') {
        throw new IllegalTransitionError('approval', current.status, decision === 'approved' ? 'approve' : 'reject');
      }
      // Checked before the permission, so a requester holding `ticket:approve` (a role or a
      // temporary grant) still gets the precise refusal.
      if (current.requestedBy === principal.id) {
        throw new ForbiddenError('Nobody may decide on their own approval request', {
          details: { action: 'ticket:approve', reason: 'self_approval', approvalId },
        });
      }
      policy.authorize(principal, 'ticket:approve', resourceOf(current));
      if (current.decisions.some((existing) => existing.by === principal.id)) {
        throw new ForbiddenError('Each approver decides once', {
          details: { action: 'ticket:approve', reason: 'already_decided', approvalId },
        });
      }
      const now = isoNow(clock);
      const decisions = [...current.decisions, { by: principal.id, decision, at: now, ...(note ? { note } : {}) }];
      const next: Omit<Approval, 'version'> = { ...current, decisions };
      if (decision === 'rejected') next.status = 'rejected';
      else if (approvedCount(next as Approval) >= current.approvers) next.status = 'approved';
      if (next.status !== 'pending') next.decidedAt = now;
      previous = current.status;
      return write(current, next);
    });
    await record(decided, 'ticket.approval_decided', actorOf(principal), previous, {
      decision,
      ...(note ? { note } : {}),
    });
    await bus.publish({
      type: 'ticket.approval_decided',
      tenantId: decided.tenantId,
      approvalId: decided.id,
      decision,
      by: principal.id,
      status: decided.status as 'pending' | 'approved' | 'rejected',
    });
    return decided;
  }

  function approvalRequired(
    request: GuardRequest,
    matched: readonly CompiledApprovalRule[],
    required: number,
    problem?: ApprovalProblem,
  ): ForbiddenError {
    const details: Record<string, unknown> = {
      action: `ticket:${request.operation}`,
      reason: 'approval_required',
      ruleId: matched[0]?.id,
      ruleIds: matched.map((rule) => rule.id),
      approvers: required,
    };
    if (request.ticket) details.resourceId = request.ticket.id;
    if (request.approvalId !== undefined) details.approvalId = request.approvalId;
    if (problem) details.problem = problem;
    const message = problem
      ? `Approval ${request.approvalId} does not authorise this ${request.operation} (${problem})`
      : `This ${request.operation} needs an approval (${matched.map((rule) => rule.id).join(', ')})`;
    return new ForbiddenError(message, { details });
  }

  function problemWith(approval: Approval, request: GuardRequest, principal: Principal, required: number) {
    if (approval.status !== 'approved') return approval.status as ApprovalProblem;
    if (approval.requestedBy !== principal.id) return 'not_requester';
    const sameTarget =
      approval.operation === request.operation &&
      approval.ticketId === request.ticket?.id &&
      approval.count === request.count &&
      changesFingerprint(approval.changes) === changesFingerprint(request.changes);
    if (!sameTarget) return 'mismatch';
    if (approvedCount(approval) < required) return 'insufficient_approvers';
    return undefined;
  }

  return {
    async request(input) {
      const parsed = parseInput(requestSchema, input, 'approval request');
      const principal = deps.effective(input.principal);
      const now = clock.now();
      const approval: Approval = {
        id: newId('apv'),
        tenantId: principal.tenantId,
        status: 'pending',
        operation: parsed.operation,
        reason: parsed.reason,
        requestedBy: principal.id,
        requestedAt: new Date(now).toISOString(),
        approvers: approversFor(
          rules,
          parsed.operation,
          (parsed.changes ?? []).map((change) => change.property),
        ),
        decisions: [],
        expiresAt: new Date(now + deps.ttlMs).toISOString(),
        version: 1,
      };
      if (parsed.ticketId !== undefined) approval.ticketId = parsed.ticketId;
      if (parsed.changes) {
        approval.changes = parsed.changes.map((change) =>
          change.to === undefined ? { property: change.property } : { property: change.property, to: change.to },
        );
      }
      if (parsed.count !== undefined) approval.count = parsed.count;
      await store.create(approval);
      await record(approval, 'ticket.approval_requested', actorOf(principal), undefined, { reason: approval.reason });
      const event: Parameters<EventBus['publish']>[0] = {
        type: 'ticket.approval_requested',
        tenantId: approval.tenantId,
        approvalId: approval.id,
        operation: approval.operation,
        requestedBy: approval.requestedBy,
        ...(approval.ticketId !== undefined ? { ticketId: approval.ticketId } : {}),
      };
      await bus.publish(event);
      return approval;
    },

    approve: (principal, id) => decide(principal, id, 'approved'),

    async reject(principal, id, note) {
      return decide(principal, id, 'rejected', parseInput(noteSchema, note, 'rejection note'));
    },

    async get(input, id) {
      const principal = deps.effective(input);
      const approval = view(await load(principal.tenantId, parseInput(idSchema, id, 'approval id')));
      // Requesters see their own; approvers see any. Others get the same answer as for a
      // missing id, so approval ids cannot be probed.
      if (approval.requestedBy !== principal.id && !policy.can(principal, 'ticket:approve', resourceOf(approval))) {
        throw new NotFoundError('approval', approval.id);
      }
      return approval;
    },

    async list(input, filterInput = {}) {
      const principal = deps.effective(input);
      const filter = parseInput(listFilterSchema, filterInput, 'approval filter');
      const approver = policy.can(principal, 'ticket:approve');
      const stored = await store.list(principal.tenantId, {
        ...(filter.ticketId !== undefined ? { ticketId: filter.ticketId } : {}),
        ...(approver ? {} : { requestedBy: principal.id }),
        limit: 1000,
      });
      const out: Approval[] = [];
      for (const approval of stored) {
        const current = view(approval);
        if (filter.status !== undefined && current.status !== filter.status) continue;
        out.push(current);
        if (out.length >= (filter.limit ?? 100)) break;
      }
      return out;
    },

    async consume(request, principal, matched) {
      const required = Math.max(...matched.map((rule) => rule.approvers));
      const approvalId = request.approvalId;
      if (approvalId === undefined) throw approvalRequired(request, matched, required);
      let previous: ApprovalStatus = 'approved';
      const used = await retryOnConflict(async () => {
        const stored = await store.get(principal.tenantId, approvalId);
        if (!stored) throw approvalRequired(request, matched, required, 'not_found');
        const current = await settle(stored);
        const problem = problemWith(current, request, principal, required);
        if (problem) throw approvalRequired(request, matched, required, problem);
        previous = current.status;
        const now = isoNow(clock);
        return write(current, { ...current, status: 'used', usedAt: now, decidedAt: current.decidedAt ?? now });
      });
      await record(used, 'ticket.approval_used', actorOf(principal), previous, {
        ruleIds: matched.map((rule) => rule.id),
      });
    },

    async release(input, id) {
      const principal = deps.effective(input);
      const approvalId = parseInput(idSchema, id, 'approval id');
      const released = await retryOnConflict(async () => {
        const current = await load(principal.tenantId, approvalId);
        // Only the requester's own write can give it back (the service calls this for them).
        if (current.requestedBy !== principal.id) throw new NotFoundError('approval', approvalId);
        if (current.status !== 'used') throw new IllegalTransitionError('approval', current.status, 'release');
        const { usedAt: _used, ...rest } = current;
        return write(current, { ...rest, status: 'approved' });
      });
      await record(released, 'ticket.approval_released', actorOf(principal), 'used');
      // Past its expiry it is not usable again; record that too.
      return settle(released);
    },
  };
}
