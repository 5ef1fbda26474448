import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/hotline-error.js';

/** Converts zod's issues into Hotline's wire shape (dotted paths, no values echoed back). */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Parses untrusted input with a schema. Throws {@link ValidationError} (`VALIDATION_FAILED`)
 * listing every issue; returns the parsed value (defaults applied, unknown keys stripped).
 *
 * @example
 * ```ts
 * const input = parseInput(startConversationInputSchema, body, 'start conversation input');
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const first = issues[0];
  const summary = first ? `${first.path || '(root)'}: ${first.message}` : 'invalid';
  throw new ValidationError(`Invalid ${what}: ${summary}`, issues);
}
