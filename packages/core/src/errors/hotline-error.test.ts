import { describe, expect, it } from 'vitest';
import { ERROR_CODES, httpStatusForCode } from './error-codes.js';
import { ConflictError, HotlineError, isHotlineError, NotFoundError, ValidationError } from './hotline-error.js';

describe('HotlineError', () => {
  it('carries a stable code, details, status and a wire shape without the cause', () => {
    const cause = new Error('socket closed');
    const error = new NotFoundError('conversation', 'cnv_1', { cause });
    expect(error).toBeInstanceOf(HotlineError);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      code: 'NOT_FOUND',
      message: 'conversation cnv_1 not found',
      details: { entity: 'conversation', id: 'cnv_1' },
    });
    expect(JSON.stringify(error)).not.toContain('socket closed');
  });

  it('maps every code to an HTTP status', () => {
    for (const code of Object.values(ERROR_CODES)) expect(httpStatusForCode(code)).toBeGreaterThanOrEqual(400);
  });

  it('is recognised across bundle copies by shape', () => {
    const foreign = { code: 'CONFLICT', details: {}, toJSON: () => ({}) };
    expect(isHotlineError(foreign, 'CONFLICT')).toBe(true);
    expect(isHotlineError(new ConflictError('x'), 'NOT_FOUND')).toBe(false);
    expect(isHotlineError(new Error('x'))).toBe(false);
    expect(isHotlineError(null)).toBe(false);
  });

  it('ValidationError lists issues in details', () => {
    const error = new ValidationError('bad', [{ path: 'a.b', message: 'required' }]);
    expect(error.toJSON().details).toEqual({ issues: [{ path: 'a.b', message: 'required' }] });
    expect(error.retryable).toBe(false);
    expect(new ConflictError('race').retryable).toBe(true);
  });
});
