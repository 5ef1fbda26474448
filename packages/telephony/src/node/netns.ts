import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

/** Where test processes run: a fresh network namespace with only `lo` up, or the host's network. */
export interface NetworkPlace {
  /** The namespace's name, or `undefined` on the host's network. */
  readonly name: string | undefined;
  /** The command and arguments that run `command` in this place. */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Deletes the namespace (a no-op on the host's network). Idempotent. */
  remove(): void;
}

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/**
 * A network namespace with only loopback up, when this process is root and `ip` exists, so
 * SIP and media between test processes can only ever use 127.0.0.1. Otherwise the host's
 * network (everything still binds 127.0.0.1). `HOTLINE_NO_NETNS=1` forces the latter.
 */
export function createNetworkPlace(prefix = 'hotline'): NetworkPlace {
  const ip = IP.find((path) => existsSync(path));
  if (process.getuid?.() !== 0 || !ip || process.env.HOTLINE_NO_NETNS === '1') {
    return { name: undefined, wrap: (command, args) => ({ command, args: [...args] }), remove: () => undefined };
  }
  const name = `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  execFileSync(ip, ['netns', 'add', name], { stdio: 'pipe' });
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    execFileSync(ip, ['netns', 'delete', name], { stdio: 'pipe' });
  };
  try {
    execFileSync(ip, ['netns', 'exec', name, ip, 'link', 'set', 'lo', 'up'], { stdio: 'pipe' });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    name,
    wrap: (command, args) => ({ command: ip, args: ['netns', 'exec', name, command, ...args] }),
    remove,
  };
}
