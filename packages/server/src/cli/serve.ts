import { createHotlineServer, type HotlineServer } from '../create-server.js';
import type { CliConfig } from './cli-args.js';
import { openStorage } from './open-storage.js';
import { loadSecrets } from './secrets.js';
import { prepareServerOptions } from './server-setup.js';

/** What a CLI command writes to and listens on. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Where `serve` waits for SIGTERM and SIGINT. */
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /** Ends the process at once (a second signal during a graceful stop). */
  exit(code: number): void;
  /** Printed by `--version`. */
  version: string;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The address to print: a wildcard bind is reachable as localhost from this machine. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * `hotline serve`: opens the storage, loads or makes the secrets, starts the server, and
 * stops it gracefully on SIGTERM or SIGINT (a second signal stops at once). Resolves with
 * the exit code once stopped.
 */
export async function serve(config: CliConfig, io: CliIo): Promise<number> {
  const loaded = await loadSecrets(config.dataDir, io.env);
  for (const warning of loaded.warnings) io.stderr(`hotline: warning: ${warning}\n`);
  const opened = await openStorage(config);
  let server: HotlineServer | undefined;
  try {
    const { options, tenants } = await prepareServerOptions({
      opened,
      secrets: loaded.secrets,
      dataDir: config.dataDir,
    });
    server = createHotlineServer(options);
    const address = await server.listen(config.port, config.host);
    const base = `http://${displayHost(config.host)}:${address.port}`;
    io.stdout(`hotline ${io.version}: ${opened.location}\n`);
    io.stdout(
      loaded.file === undefined
        ? 'secrets: from the environment\n'
        : `secrets: ${loaded.generated.length > 0 ? 'generated into' : 'from'} ${loaded.file}\n`,
    );
    if (tenants.tenantIds().length === 0) {
      io.stdout('no tenant yet: `hotline seed-demo` creates the demo tenant (see docs/server.md)\n');
    }
    io.stdout(`listening on ${base} (API ${base}/api/v1, OpenAPI ${base}/openapi.json, health ${base}/healthz)\n`);
  } catch (error) {
    await server?.close().catch(() => undefined);
    await opened.close();
    throw error;
  }
  const running = server;
  const force = () => {
    io.stderr('hotline: stopping at once\n');
    io.exit(1);
  };
  const signal = await new Promise<string>((resolve) => {
    const handlers = STOP_SIGNALS.map((name) => {
      const handler = () => {
        for (const [other, listener] of handlers) io.signals.off(other, listener);
        // From now on a second signal means "stop now".
        for (const other of STOP_SIGNALS) io.signals.on(other, force);
        resolve(name);
      };
      return [name, handler] as const;
    });
    for (const [name, handler] of handlers) io.signals.on(name, handler);
  });
  io.stdout(`${signal}: stopping (finishing requests in flight)\n`);
  try {
    await running.close();
    await opened.close();
  } finally {
    for (const name of STOP_SIGNALS) io.signals.off(name, force);
  }
  io.stdout('stopped\n');
  return 0;
}
