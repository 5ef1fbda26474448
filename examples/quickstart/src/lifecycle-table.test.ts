import { readFile } from 'node:fs/promises';
import { CONVERSATION_TRANSITIONS } from '@hotline/core';
import { expect, it } from 'vitest';

/** The lifecycle table of docs/concepts.md, rendered from the transitions core enforces. */
function renderLifecycleTable(): string {
  const rows = ['| From | Event | To | Condition |', '| --- | --- | --- | --- |'];
  let previous: string | undefined;
  for (const t of CONVERSATION_TRANSITIONS) {
    const when = t.when === undefined ? '' : /^\w+$/.test(t.when) ? `with \`${t.when}\`` : t.when;
    rows.push(`| ${t.from === previous ? '' : `\`${t.from}\``} | \`${t.event}\` | \`${t.to}\` | ${when} |`);
    previous = t.from;
  }
  return rows.join('\n');
}

// The docs promise that the table is rendered from CONVERSATION_TRANSITIONS; this keeps it so.
// On failure, paste the expected table between the markers in docs/concepts.md.
it('docs/concepts.md shows the lifecycle core enforces', async () => {
  const concepts = await readFile(new URL('../../../docs/concepts.md', import.meta.url), 'utf8');
  const table = /<!-- lifecycle-table:start -->\n([\s\S]*?)\n<!-- lifecycle-table:end -->/.exec(concepts)?.[1];
  expect(table).toBe(renderLifecycleTable());
});
