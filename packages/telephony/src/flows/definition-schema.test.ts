import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { parseFlowDefinition } from './runner.js';
import { supportFlow } from './support-flow.fixture.js';

/** The dotted paths of the issues a definition is rejected with. */
function issuePaths(definition: unknown): string[] {
  try {
    parseFlowDefinition(definition);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map((i) => i.path);
  }
  throw new Error('the definition was accepted');
}

const base = () =>
  structuredClone(supportFlow) as Record<string, unknown> & { nodes: Record<string, Record<string, unknown>> };

describe('flow definitions', () => {
  it('accept the fixture and apply the defaults', () => {
    const def = parseFlowDefinition(supportFlow);
    expect(def).toMatchObject({ version: 1, maxSteps: 200, maxRetries: 2, timeouts: { voice: 5_000, chat: 300_000 } });
    const minimal = parseFlowDefinition({ id: 'm', start: 'e', nodes: { e: { kind: 'end' } } });
    expect(minimal.defaultLocale).toBe('en');
  });

  it('reject an edge to a missing node, naming the field', () => {
    const def = base();
    (def.nodes['main']?.['options'] as { next: string }[])[1] = { next: 'nowhere' } as never;
    (def.nodes['main']?.['options'] as Record<string, unknown>[])[1] = { digit: '2', next: 'nowhere' };
    def.nodes['account'] = { ...def.nodes['account'], fallback: 'gone' };
    expect(issuePaths(def)).toEqual(['nodes.main.options.1.next', 'nodes.account.fallback']);
  });

  it('reject a missing start node', () => {
    expect(issuePaths({ ...base(), start: 'nope' })).toEqual(['start']);
  });

  it('reject texts without the default locale or with undeclared locales', () => {
    const def = base();
    def.nodes['welcome'] = { kind: 'say', text: { zh: '欢迎', fr: 'Bienvenue' }, next: 'language' };
    def.nodes['setEnglish'] = { kind: 'set', locale: 'de', next: 'main' };
    expect(issuePaths(def)).toEqual(['nodes.welcome.text', 'nodes.welcome.text.fr', 'nodes.setEnglish.locale']);
    expect(issuePaths({ ...base(), defaultLocale: 'de' })).toContain('defaultLocale');
  });

  it('reject a digit used twice and an option with neither digit nor keywords', () => {
    const def = base();
    def.nodes['language'] = {
      kind: 'menu',
      prompt: 'Pick',
      options: [
        { digit: '1', next: 'setEnglish' },
        { digit: '1', next: 'setChinese' },
      ],
    };
    expect(issuePaths(def)).toEqual(['nodes.language.options.1.digit']);
    def.nodes['language'] = { kind: 'menu', prompt: 'Pick', options: [{ next: 'setEnglish' }] };
    expect(issuePaths(def)).toEqual(['nodes.language.options.0']);
  });

  it('reject a loop that never waits for input', () => {
    const def = {
      id: 'spin',
      start: 'a',
      nodes: {
        a: { kind: 'say', text: 'A', next: 'b' },
        b: { kind: 'set', attributes: { x: 1 }, next: 'a' },
      },
    };
    expect(issuePaths(def)).toEqual(['nodes.b.next']);
  });

  it('reject bad shapes with their paths: unknown kinds, unknown fields, bounds', () => {
    const def = base();
    def.nodes['welcome'] = { kind: 'play', next: 'language' };
    def.nodes['bye'] = { kind: 'end', colour: 'red' };
    def.nodes['phone'] = { ...def.nodes['phone'], minLength: 20, maxLength: 15 };
    const paths = issuePaths(def);
    expect(paths).toContain('nodes.welcome.kind');
    expect(paths).toContain('nodes.bye');
    expect(issuePaths({ ...base(), maxSteps: 0 })).toEqual(['maxSteps']);
    const bounds = base();
    bounds.nodes['phone'] = { ...bounds.nodes['phone'], minLength: 20, maxLength: 15 };
    expect(issuePaths(bounds)).toEqual(['nodes.phone.minLength']);
  });

  it('reject node ids that are not names', () => {
    const def = base();
    def.nodes['has space'] = { kind: 'end' };
    expect(issuePaths(def)).toEqual(['nodes.has space']);
  });
});
