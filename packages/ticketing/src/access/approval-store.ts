import { AlreadyExistsError, ConflictError, NotFoundError } from '@hotline/core';
import type { TicketOperation } from '../model/ports.js';

/**
 * Where an approval stands:
 * - `pending` — waiting for decisions;
 * - `approved` — enough distinct approvers said yes; usable once, until `expiresAt`;
 * - `rejected` — an approver said no (final);
 * - `expired` — `expiresAt` passed before it was used (final);
 * - `used` — it authorised its operation once (final).
 */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'used';

/** One approver's decision. */
export interface ApprovalDecision {
  /** The approver's principal id. */
  by: string;
  decision: 'approved' | 'rejected';
  at: string;
  note?: string;
}

/** One property change an approval covers: exactly this property, set to exactly this value. */
export interface ApprovedChange {
  property: string;
  /** The new value; absent when the change unsets the property. */
  to?: unknown;
}

/**
 * A request to run one risky operation, and the decisions on it. An approved approval
 * authorises exactly its operation, ticket, changes and count, for its requester, once.
 */
export interface Approval {
  id: string;
  tenantId: string;
  status: ApprovalStatus;
  operation: TicketOperation;
  ticketId?: string;
  changes?: ApprovedChange[];
  /** For bulk operations: how many tickets. */
  count?: number;
  reason: string;
  /** The principal id of the requester (who alone may use it, and may not approve it). */
  requestedBy: string;
  requestedAt: string;
  /** How many distinct approvers must approve. */
  approvers: number;
  decisions: ApprovalDecision[];
  expiresAt: string;
  /** When it became approved, rejected, expired or used. */
  decidedAt?: string;
  usedAt?: string;
  /** Rises by one on every write (optimistic concurrency). */
  version: number;
}

/** Filters of {@link ApprovalStore.list}. */
export interface ApprovalListFilter {
  status?: ApprovalStatus;
  ticketId?: string;
  /** Only the approvals this principal id requested. */
  requestedBy?: string;
  /** @default 100 */
  limit?: number;
}

/**
 * Persistence of approvals. Implementations MUST make `update` a compare-and-set on
 * `version`, so two approvers deciding at once, or two writes racing for one single-use
 * approval, cannot both win.
 */
export interface ApprovalStore {
  /** Stores a new approval (version 1). @throws AlreadyExistsError when the id is taken. */
  create(approval: Approval): Promise<void>;
  /** The approval, or `undefined` (also for an id of another tenant). */
  get(tenantId: string, id: string): Promise<Approval | undefined>;
  /**
   * Replaces an approval whose stored version is `approval.version - 1`.
   * @throws ConflictError when it is not (someone else wrote first).
   * @throws NotFoundError when it does not exist.
   */
  update(approval: Approval): Promise<void>;
  /** A tenant's approvals, oldest first. */
  list(tenantId: string, filter?: ApprovalListFilter): Promise<Approval[]>;
}

/**
 * An {@link ApprovalStore} in memory, for tests and single-process hosts. Stored and
 * returned approvals are copies, so callers cannot change what is stored behind its back.
 *
 * @example
 * ```ts
 * const guard = createTicketGuard({ policy, audit, bus, approvals: { store: createMemoryApprovalStore() } });
 * ```
 */
export function createMemoryApprovalStore(): ApprovalStore {
  const tenants = new Map<string, Map<string, Approval>>();
  const tenant = (tenantId: string) => {
    let approvals = tenants.get(tenantId);
    if (!approvals) {
      approvals = new Map();
      tenants.set(tenantId, approvals);
    }
    return approvals;
  };

  return {
    async create(approval) {
      const approvals = tenant(approval.tenantId);
      if (approvals.has(approval.id)) throw new AlreadyExistsError('approval', approval.id);
      approvals.set(approval.id, structuredClone(approval));
    },
    async get(tenantId, id) {
      const approval = tenants.get(tenantId)?.get(id);
      return approval ? structuredClone(approval) : undefined;
    },
    async update(approval) {
      const approvals = tenant(approval.tenantId);
      const stored = approvals.get(approval.id);
      if (!stored) throw new NotFoundError('approval', approval.id);
      if (stored.version !== approval.version - 1) {
        throw new ConflictError(`Approval ${approval.id} changed since it was read`, {
          details: { id: approval.id, expectedVersion: approval.version - 1, actualVersion: stored.version },
        });
      }
      approvals.set(approval.id, structuredClone(approval));
    },
    async list(tenantId, filter = {}) {
      const out: Approval[] = [];
      const limit = filter.limit ?? 100;
      for (const approval of tenants.get(tenantId)?.values() ?? []) {
        if (out.length >= limit) break;
        if (filter.status !== undefined && approval.status !== filter.status) continue;
        if (filter.ticketId !== undefined && approval.ticketId !== filter.ticketId) continue;
        if (filter.requestedBy !== undefined && approval.requestedBy !== filter.requestedBy) continue;
        out.push(structuredClone(approval));
      }
      return out;
    },
  };
}
