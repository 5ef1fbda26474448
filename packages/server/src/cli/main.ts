import packageJson from '../../package.json' with { type: 'json' };
import { runCli } from './run-cli.js';

// The `hotline` executable (bin/hotline.mjs loads the built copy of this file).
runCli(process.argv.slice(2), { version: packageJson.version }).then((code) => {
  process.exitCode = code;
  // A library that forgot a timer must not keep a stopped server's process alive.
  setTimeout(() => process.exit(code), 2_000).unref();
});
