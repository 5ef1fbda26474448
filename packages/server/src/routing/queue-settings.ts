import { languageSchema, type Queue, type Storage, ValidationError, type ValidationIssue } from '@hotline/core';
import {
  compileExpression,
  ExpressionSyntaxError,
  type QueueDefinitionInput,
  queueDefinitionSchema,
} from '@hotline/routing';
import { z } from 'zod';

const engineShape = queueDefinitionSchema.shape;

/**
 * The routing settings of a queue, read from `queue.settings` (other keys there are the
 * host's and are ignored). Each maps to the routing engine's queue definition:
 * - `skills` (`{ billing: 3 }`): minimum levels every agent of the queue needs;
 * - `languages` or `language`: the agent must speak one of them (default: the queue's own
 *   `language`, when it has one);
 * - `strategy`: `longest_idle`, `least_occupied`, `round_robin`, `best_skill`, `weighted_random`;
 * - `expression`: an extra agent filter in routing's expression language;
 * - `wrapUpSeconds`, `reservationTimeoutSeconds`, `ageingPerMinute`;
 * - `maxWaitSeconds` / `maxLength` (default: the queue's own) with `overflowTo`
 *   (`{ queueId?, channel? }`), where waiting work goes past them;
 * - `calendar`: opening hours, a core business calendar definition (closed: work waits,
 *   and the widget is told the queue is closed).
 */
export const queueRoutingSettingsSchema = z.object({
  skills: engineShape.skills.optional(),
  language: languageSchema.optional(),
  languages: z.array(languageSchema).max(50).optional(),
  strategy: engineShape.strategy.optional(),
  expression: engineShape.expression,
  wrapUpSeconds: engineShape.wrapUpSeconds,
  reservationTimeoutSeconds: engineShape.reservationTimeoutSeconds,
  ageingPerMinute: engineShape.ageingPerMinute.optional(),
  maxWaitSeconds: engineShape.maxWaitSeconds,
  maxLength: engineShape.maxLength,
  overflowTo: engineShape.overflowTo,
  calendar: engineShape.calendar,
});
/** The routing settings of a queue. */
export type QueueRoutingSettings = z.infer<typeof queueRoutingSettingsSchema>;

function invalid(issues: ValidationIssue[]): ValidationError {
  return new ValidationError(`invalid queue routing settings: ${issues[0]?.path}: ${issues[0]?.message}`, issues);
}

const pathOf = (path: readonly PropertyKey[]) => ['settings', ...path.map(String)].join('.');

/**
 * The engine's definition of a stored queue: its name, channels and service level, and
 * the routing settings of `queue.settings`.
 *
 * @throws ValidationError (paths under `settings.`) for settings the engine would refuse:
 *   a bad value, an expression that does not parse, `maxWaitSeconds` without `overflowTo`.
 */
export function queueDefinitionOf(queue: Queue): QueueDefinitionInput {
  const parsed = queueRoutingSettingsSchema.safeParse(queue.settings);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message, code: issue.code })),
    );
  }
  const { language, languages, maxWaitSeconds, maxLength, ...settings } = parsed.data;
  const speaks = languages ?? ((language ?? queue.language) ? [(language ?? queue.language) as string] : undefined);
  const definition: QueueDefinitionInput = {
    id: queue.id,
    name: queue.name,
    channels: queue.channels,
    serviceLevelSeconds: queue.serviceLevelSeconds,
    ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
    ...(speaks ? { languages: speaks } : {}),
  };
  const wait = maxWaitSeconds ?? queue.maxWaitSeconds;
  const length = maxLength ?? queue.maxLength;
  if (wait !== undefined) definition.maxWaitSeconds = wait;
  if (length !== undefined) definition.maxLength = length;
  const checked = queueDefinitionSchema.safeParse(definition);
  if (!checked.success) {
    throw invalid(
      checked.error.issues.map((issue) => ({
        // The engine's only cross-field rule is about the overflow target.
        path: issue.path.length > 0 ? pathOf(issue.path) : 'settings.overflowTo',
        message: issue.message,
        code: issue.code,
      })),
    );
  }
  if (settings.expression !== undefined) {
    try {
      compileExpression(settings.expression);
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
      const { line, column } = error.syntax;
      throw invalid([{ path: 'settings.expression', message: `${error.message} (line ${line}, column ${column})` }]);
    }
  }
  return definition;
}

/** The queues a definition moves work to, which must exist before it is defined. */
export function overflowTargets(definition: QueueDefinitionInput): string[] {
  const target = definition.overflowTo?.queueId;
  return target !== undefined && target !== definition.id ? [target] : [];
}

/**
 * Checks a queue about to be stored: its settings (see {@link queueDefinitionOf}) and that
 * its overflow target is a queue of the same tenant.
 *
 * @throws ValidationError otherwise; nothing has been written.
 */
export async function checkQueueRouting(storage: Storage, queue: Queue): Promise<void> {
  for (const target of overflowTargets(queueDefinitionOf(queue))) {
    if (!(await storage.queues.get(queue.tenantId, target))) {
      throw invalid([
        { path: 'settings.overflowTo.queueId', message: `unknown queue ${target}`, code: 'unknown_queue' },
      ]);
    }
  }
}
