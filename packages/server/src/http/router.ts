import { ValidationError } from '@hotline/core';
import type { AnyRoute, HttpMethod } from './route.js';

interface CompiledRoute {
  route: AnyRoute;
  /** Literal segments as strings, parameters as `{ name }`. */
  segments: (string | { name: string })[];
}

/** A route that matched a request, with its raw path parameters. */
export interface RouteMatch {
  route: AnyRoute;
  params: Record<string, string>;
}

function compile(route: AnyRoute): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((segment) => {
      const param = /^\{([A-Za-z][A-Za-z0-9_]*)\}$/.exec(segment);
      return param ? { name: param[1] as string } : segment;
    });
  return { route, segments };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError('malformed path', [
      { path: '', message: 'bad percent-encoding', code: 'malformed_path' },
    ]);
  }
}

/**
 * Matches requests to routes by method and path segments. Literal segments win over
 * parameters (`/contacts/merge` before `/contacts/{contactId}`), whatever the order of
 * registration; a duplicate method and path is a bug and throws at construction.
 */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly AnyRoute[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
      if (seen.has(key)) throw new Error(`duplicate route ${key}`);
      seen.add(key);
    }
    // Fewer parameters first, so literals take precedence.
    this.compiled = routes
      .map(compile)
      .sort(
        (a, b) =>
          a.segments.filter((s) => typeof s !== 'string').length -
          b.segments.filter((s) => typeof s !== 'string').length,
      );
  }

  /** Every route, in registration-independent order. */
  get routes(): AnyRoute[] {
    return this.compiled.map((c) => c.route);
  }

  /**
   * The route for a request; `undefined` when no path matches, `'method_not_allowed'`
   * when a path matches under another method.
   */
  match(method: string, pathname: string): RouteMatch | 'method_not_allowed' | undefined {
    const parts = pathname.split('/').slice(1);
    let pathMatched = false;
    for (const { route, segments } of this.compiled) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const segment = segments[i] as string | { name: string };
        const part = parts[i] as string;
        if (typeof segment === 'string') ok = segment === part;
        else if (part === '') ok = false;
        else params[segment.name] = decode(part);
      }
      if (!ok) continue;
      if (route.method === (method as HttpMethod)) return { route, params };
      pathMatched = true;
    }
    return pathMatched ? 'method_not_allowed' : undefined;
  }
}
