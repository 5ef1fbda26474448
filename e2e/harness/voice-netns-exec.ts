/**
 * Runs a TypeScript entry point inside a network namespace, for `startChildServer` (which
 * starts `node` on the host): `voice-netns-exec.ts <namespace|-> <entry> [args…]` starts
 * `ip netns exec <namespace> node --conditions=@hotline/source --import tsx <entry> [args…]`
 * (on the host's network for `-`), passes its output through, forwards SIGTERM and ends it
 * when this process's stdin closes. `ip netns exec` execs the command, so the pid it
 * forwards to is the server's own.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const [namespace, entry, ...rest] = process.argv.slice(2);
if (!namespace || !entry) {
  console.error('usage: voice-netns-exec.ts <namespace|-> <entry.ts> [args…]');
  process.exit(2);
}
const nodeArgs = ['--conditions=@hotline/source', '--import', 'tsx', entry, ...rest];
const ip = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'].find((path) => existsSync(path)) ?? 'ip';
const [command, args] =
  namespace === '-' ? [process.execPath, nodeArgs] : [ip, ['netns', 'exec', namespace, process.execPath, ...nodeArgs]];
const child = spawn(command, args, { stdio: ['pipe', 'inherit', 'inherit'] });
process.stdin.pipe(child.stdin);
process.stdin.on('end', () => child.kill('SIGTERM'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
