import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * Resolve workspace packages to their TypeScript sources (the `@hotline/source` export
 * condition), so tests run against `src` without building dependencies first. Vite applies
 * `resolve.conditions` to browser code and `ssr.resolve.conditions` to Node code, and a
 * custom list replaces the defaults, so both keep them.
 */
export const sourceResolution = {
  resolve: { conditions: ['@hotline/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@hotline/source', ...defaultServerConditions] } },
};
