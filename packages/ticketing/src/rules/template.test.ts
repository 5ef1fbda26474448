import { ValidationError } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMENT_BYTES } from '../model/comment.js';
import { clampUtf8, compileTemplate, MAX_PLACEHOLDERS, TEMPLATE_PLACEHOLDERS } from './template.js';
import { ruleTicket } from './test-kit.js';

const ticket = ruleTicket({
  number: 1042,
  subject: 'Invoice <wrong> & late',
  status: 'pending',
  assigneeId: 'agt_1',
  tags: ['billing', 'vip'],
  fields: { plan: 'pro', seats: 5, regions: ['eu', 'us'] },
});
const names = { requester: 'Ada', assignee: 'Grace', group: 'Billing', current_user: 'Linus' };

function problem(source: string): string {
  try {
    compileTemplate(source, { path: 'actions.0.body' });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const [issue] = (error as ValidationError).issues;
    expect(issue?.path).toBe('actions.0.body');
    return issue?.message ?? '';
  }
  throw new Error('expected a ValidationError');
}

describe('templates', () => {
  it('renders every placeholder', () => {
    const t = compileTemplate(
      '#{{ticket.number}} {{ ticket.subject }} [{{ticket.status}}/{{ticket.priority}}] {{ticket.tags}} ' +
        '{{ticket.fields.plan}} {{ticket.fields.seats}} {{ticket.fields.regions}} {{ticket.fields.none}}| ' +
        '{{requester.name}} {{assignee.name}} {{group.name}} {{current_user.name}} {{assignee.id}} {{ticket.source}}',
    );
    expect([...t.names].sort()).toEqual(['assignee', 'current_user', 'group', 'requester']);
    expect(t.render({ ticket, names })).toBe(
      '#1042 Invoice <wrong> & late [pending/normal] billing vip pro 5 eu, us | Ada Grace Billing Linus agt_1 email',
    );
    expect(TEMPLATE_PLACEHOLDERS).toContain('ticket.fields.<key>');
  });

  it('escapes values (not literal text) for HTML on request', () => {
    const t = compileTemplate('<b>{{ticket.subject}}</b>');
    expect(t.render({ ticket }, { escape: 'html' })).toBe('<b>Invoice &lt;wrong&gt; &amp; late</b>');
  });

  it('writes a literal {{ with a backslash, and never re-expands values', () => {
    expect(compileTemplate('Use \\{{ticket.id}} to quote').render({ ticket })).toBe('Use {{ticket.id}} to quote');
    const sneaky = { ...ticket, subject: '{{assignee.name}} {{constructor}}' };
    expect(compileTemplate('{{ticket.subject}}').render({ ticket: sneaky, names })).toBe(
      '{{assignee.name}} {{constructor}}',
    );
  });

  it('rejects unknown placeholders at definition time, including prototype names', () => {
    expect(problem('Hi {{requester.nmae}}')).toBe("unknown placeholder '{{requester.nmae}}' at offset 3");
    for (const hostile of [
      '__proto__',
      'constructor',
      'ticket.constructor',
      'ticket.__proto__.polluted',
      'ticket.fields.__proto__',
      'ticket.fields.constructor',
      'toString',
      'ticket.fields.a.b',
    ]) {
      expect(problem(`{{${hostile}}}`)).toMatch(/^unknown placeholder/);
    }
    expect(problem('broken {{ticket.id')).toBe("unclosed '{{' at offset 7");
  });

  it('can keep unknown placeholders visible instead (ad-hoc text)', () => {
    const t = compileTemplate('{{ticket.id}} {{unknown}} {{__proto__}}', { unknown: 'keep' });
    expect(t.render({ ticket })).toBe(`${ticket.id} {{unknown}} {{__proto__}}`);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads only own custom fields', () => {
    const inherited = Object.create({ plan: 'inherited' }) as Record<string, string>;
    expect(compileTemplate('[{{ticket.fields.plan}}]').render({ ticket: { ...ticket, fields: inherited } })).toBe('[]');
  });

  it('bounds huge templates and huge output', () => {
    expect(problem('{{ticket.id}}'.repeat(MAX_PLACEHOLDERS + 1))).toBe(`more than ${MAX_PLACEHOLDERS} placeholders`);
    const big = { ...ticket, fields: { notes: 'é'.repeat(60_000) } };
    const t = compileTemplate('{{ticket.fields.notes}}'.repeat(MAX_PLACEHOLDERS));
    const started = performance.now();
    const out = t.render({ ticket: big });
    expect(performance.now() - started).toBeLessThan(200);
    expect(new TextEncoder().encode(out).length).toBeLessThanOrEqual(MAX_COMMENT_BYTES);
    expect(out.endsWith('…')).toBe(true);
  });

  it('clamps to UTF-8 bytes without splitting a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 4, max: 300 }), (text, max) => {
        const out = clampUtf8(text, max);
        const bytes = new TextEncoder().encode(out).length;
        // No replacement character of its own (the input may carry genuine ones).
        const replacements = (s: string) => s.split('\uFFFD').length - 1;
        return (out === text || bytes <= max) && replacements(out) <= replacements(text);
      }),
    );
  });
});
