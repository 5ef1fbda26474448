#!/usr/bin/env node
// A committed launcher, so npm links `hotline-sim` at install time even before the package
// is built inside this repository; published installs always have dist/.
import('../dist/cli/hotline-sim.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('hotline-sim: @hotline/routing is not built yet; run `npm run build` first.');
    process.exit(1);
  }
  throw error;
});
