#!/usr/bin/env node
// Package hygiene gate (DESIGN.md, convention 10): every publishable workspace under
// packages/ must pass publint in strict mode and "Are the Types Wrong?" on its packed
// tarball. Run through `npm run check:packages`, which builds dist/ first.
//
// attw profile: `node16`. Our packages are dual ESM + CJS with subpath exports and
// require Node >= 20.19, so every runtime resolves them through `exports`; the `node16`
// profile checks CJS and ESM consumers under node16/nodenext and bundler resolution and
// only leaves out TypeScript's pre-`exports` `node10` resolution, which cannot see
// subpaths such as `@hotline/core/testing`. No rule is ignored.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const ATTW_PROFILE = 'node16';

function workspaces() {
  const dir = path.join(root, 'packages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'package.json')))
    .map((entry) => {
      const pkgDir = path.join(dir, entry.name);
      const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      return { dir: pkgDir, rel: path.relative(root, pkgDir), name: manifest.name, private: manifest.private === true };
    })
    .sort((a, b) => a.rel.localeCompare(b.rel));
}

function run(label, command, args) {
  process.stdout.write(`\n$ ${label}\n`);
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd();
  if (output) process.stdout.write(`${output}\n`);
  if (result.error) return { ok: false, output, reason: result.error.message };
  return { ok: result.status === 0, output, reason: result.status === 0 ? '' : `exit code ${result.status}` };
}

const all = workspaces();
const publishable = all.filter((pkg) => !pkg.private);
for (const pkg of all.filter((p) => p.private)) console.log(`skip ${pkg.name} (private)`);
if (publishable.length === 0) {
  console.error('check-packages: no publishable workspace found under packages/');
  process.exit(1);
}

const color = process.stdout.isTTY ? [] : ['--no-color'];
const failures = [];
for (const pkg of publishable) {
  console.log(`\n=== ${pkg.name} (${pkg.rel}) ===`);
  if (!existsSync(path.join(pkg.dir, 'dist'))) {
    failures.push({ pkg, tool: 'build', reason: 'dist/ is missing; run `npm run build` first' });
    continue;
  }
  const checks = [
    ['publint', bin('publint'), ['--strict', pkg.rel]],
    [
      'attw',
      bin('attw'),
      ['--pack', pkg.rel, '--profile', ATTW_PROFILE, '--no-emoji', '--format', 'table-flipped', ...color],
    ],
  ];
  for (const [tool, command, args] of checks) {
    const result = run(`${tool} ${args.join(' ')}`, command, args);
    if (!result.ok) failures.push({ pkg, tool, reason: result.reason });
    // attw exits 0 for a package without types; every Hotline package must ship them.
    else if (tool === 'attw' && result.output.includes('does not contain types')) {
      failures.push({ pkg, tool, reason: 'the package ships no type declarations' });
    }
  }
}

console.log('\n=== summary ===');
for (const pkg of publishable) {
  const failed = failures.filter((f) => f.pkg === pkg);
  console.log(
    `${failed.length === 0 ? 'ok  ' : 'FAIL'} ${pkg.name}${failed.map((f) => `\n     ${f.tool}: ${f.reason}`).join('')}`,
  );
}
if (failures.length > 0) {
  console.error(
    `\ncheck-packages: ${failures.length} check(s) failed in ${new Set(failures.map((f) => f.pkg)).size} package(s)`,
  );
  process.exit(1);
}
console.log(
  `\ncheck-packages: ${publishable.length} package(s) passed publint --strict and attw --profile ${ATTW_PROFILE}`,
);
