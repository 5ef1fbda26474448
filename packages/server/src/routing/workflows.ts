import {
  type DispatchRequest,
  idSchema,
  prioritySchema,
  type Storage,
  timestampSchema,
  ValidationError,
  type ValidationIssue,
} from '@hotline/core';
import { type CompiledExpression, compileExpression, ExpressionSyntaxError } from '@hotline/routing';
import { z } from 'zod';

/** The tenant settings key holding the routing workflow. */
export const WORKFLOW_KEY = 'workflow';
/** Most filters of a workflow. */
export const MAX_WORKFLOW_FILTERS = 100;

/**
 * One filter of a tenant's routing workflow: new conversations whose attributes match
 * `expression` (routing's expression language, reading `task.*`) go to `queueId`, with at
 * least `priority`. The first matching filter wins.
 */
export const workflowFilterSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  expression: z.string().min(1).max(4096),
  queueId: idSchema,
  priority: prioritySchema.optional(),
});
/** One filter of a workflow. */
export type WorkflowFilter = z.infer<typeof workflowFilterSchema>;

/** A tenant's routing workflow as stored and served. `version` 0: none was ever set. */
export const workflowSchema = z.object({
  filters: z.array(workflowFilterSchema).max(MAX_WORKFLOW_FILTERS),
  version: z.int().min(0),
  updatedAt: timestampSchema.optional(),
});
/** A tenant's routing workflow. */
export type Workflow = z.infer<typeof workflowSchema>;

/** Body of `PUT /workflows`: the whole ordered filter list. */
export const workflowInputSchema = z.strictObject({
  filters: z.array(workflowFilterSchema).max(MAX_WORKFLOW_FILTERS),
  /** The version the change is based on (0 for the first); a stale one is a `CONFLICT`. */
  expectedVersion: z.int().min(0).optional(),
});

interface CompiledFilter extends WorkflowFilter {
  match: CompiledExpression;
}

const EMPTY: Workflow = { filters: [], version: 0 };

/** The stored workflow, or none. Only this module writes it. */
export function storedWorkflow(value: unknown): Workflow {
  const parsed = workflowSchema.safeParse(value);
  return parsed.success ? parsed.data : EMPTY;
}

/**
 * Compiles every filter's expression. Filters choose a queue before any agent is
 * considered, so they may read `task.*` only (the conversation's attributes, `channel`,
 * `priority` and `requestedQueueId`).
 *
 * @throws ValidationError listing each bad expression at `filters.<i>.expression`, with
 *   the line and column of the first one in `details`.
 */
export function compileFilters(filters: readonly WorkflowFilter[]): CompiledFilter[] {
  const issues: ValidationIssue[] = [];
  let first: Record<string, unknown> | undefined;
  const compiled = filters.map((filter, index) => {
    const path = `filters.${index}.expression`;
    try {
      const match = compileExpression(filter.expression);
      const other = [...match.roots].filter((root) => root !== 'task');
      if (other.length > 0) {
        issues.push({ path, message: `workflow filters read task.* only, not ${other.join(', ')}`, code: 'root' });
      }
      return { ...filter, match };
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
      const { line, column, expected, found, excerpt } = error.syntax;
      issues.push({ path, message: `${error.message} (line ${line}, column ${column})`, code: 'expression_syntax' });
      first ??= { filter: index, line, column, expected, found, excerpt };
      return undefined;
    }
  });
  if (issues.length > 0) {
    throw new ValidationError(`invalid workflow: ${issues[0]?.message}`, issues, first ? { details: first } : {});
  }
  return compiled as CompiledFilter[];
}

/**
 * Applies tenants' workflows to new conversations. The workflow is read from the tenant
 * record on every call (one read per new conversation, so every process sees a change at
 * once) and compiled once per version.
 */
export class TenantWorkflows {
  private readonly compiled = new Map<string, { version: number; filters: CompiledFilter[] }>();

  constructor(
    private readonly storage: Storage,
    /** Whether routing knows a queue: a filter naming a deleted queue is passed over. */
    private readonly hasQueue: (tenantId: string, queueId: string) => boolean,
  ) {}

  /**
   * The request with the queue (and priority floor) of the first matching filter; the
   * request unchanged when the tenant has no workflow or nothing matches, so the queue the
   * customer or the site chose applies.
   */
  async route(request: DispatchRequest): Promise<DispatchRequest> {
    const filters = await this.filtersOf(request.tenantId);
    if (filters.length === 0) return request;
    const task = {
      ...request.attributes,
      channel: request.channel,
      priority: request.priority ?? 0,
      ...(request.queueId === undefined ? {} : { requestedQueueId: request.queueId }),
    };
    const filter = filters.find((f) => f.match.test({ task }) && this.hasQueue(request.tenantId, f.queueId));
    if (!filter) return request;
    const priority = Math.max(filter.priority ?? 0, request.priority ?? 0);
    return { ...request, queueId: filter.queueId, ...(priority > 0 ? { priority } : {}) };
  }

  private async filtersOf(tenantId: string): Promise<CompiledFilter[]> {
    const tenant = await this.storage.tenants.get(tenantId);
    const workflow = storedWorkflow(tenant?.settings[WORKFLOW_KEY]);
    const cached = this.compiled.get(tenantId);
    if (cached && cached.version === workflow.version) return cached.filters;
    let filters: CompiledFilter[] = [];
    try {
      filters = compileFilters(workflow.filters);
    } catch {
      // Stored workflows were validated on write; one that no longer compiles routes nothing.
    }
    this.compiled.set(tenantId, { version: workflow.version, filters });
    return filters;
  }
}
