#!/usr/bin/env node
// A committed launcher, so npm links `hotline` at install time even before the package is
// built inside this repository; published installs always have dist/.
import('../dist/cli/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    console.error('hotline: @hotline/server is not built yet; run `npm run build -w @hotline/server` first.');
    process.exit(1);
  }
  throw error;
});
