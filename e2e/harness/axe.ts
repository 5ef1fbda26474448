/**
 * Accessibility scans with axe-core in the page. Its source is injected as a script's
 * content, which only a page without a Content Security Policy allows. axe walks open
 * shadow roots by default; a node inside one is reported with a target path (an array of
 * selectors, host first), which is how a test proves the widget itself was scanned.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One rule axe found broken, with where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** What a scan found. */
export interface AxeScan {
  violations: AxeViolation[];
  /** Nodes inside `host`'s shadow root that axe checked (passed, failed or could not decide). */
  shadowNodesChecked: number;
}

/** Runs every axe rule on the document and reports the violations. */
export async function scanWithAxe(page: Page, host = 'hotline-chat'): Promise<AxeScan> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (shadowHost) => {
    type Node = { target: (string | string[])[] };
    type Rule = { id: string; impact?: string | null; help: string; nodes: Node[] };
    type Results = { violations: Rule[]; passes: Rule[]; incomplete: Rule[] };
    const axe = (window as unknown as { axe: { run(context: Document): Promise<Results> } }).axe;
    const results = await axe.run(document);
    const path = (node: Node) => node.target.map((part) => (Array.isArray(part) ? part.join(' ') : part)).join(' >> ');
    const inShadow = (node: Node) => Array.isArray(node.target[0]) && String(node.target[0][0]).startsWith(shadowHost);
    return {
      violations: results.violations.map((rule) => ({
        id: rule.id,
        impact: rule.impact ?? null,
        help: rule.help,
        targets: rule.nodes.map(path),
      })),
      shadowNodesChecked: [...results.passes, ...results.violations, ...results.incomplete]
        .flatMap((rule) => rule.nodes)
        .filter(inShadow).length,
    };
  }, host);
}
