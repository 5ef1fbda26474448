/**
 * Gates suites on real components (DESIGN.md, "Tests and real components"): when a component
 * is missing the suite is skipped with a loud SKIPPED line naming `scripts/provision`, except
 * under `CI=true`, where a missing component is a failure, never a skip.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { kamailioInstalled } from '../../packages/telephony/src/node/kamailio.js';

/** True when the `CI` environment variable is set to anything but '', '0' or 'false'. */
export function isCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** A system component a suite needs, and how to tell whether it is installed. */
export interface Component {
  name: string;
  /** The Debian package `scripts/provision` installs. */
  debianPackage: string;
  installed(): boolean;
}

/** Where Chromium is: `HOTLINE_CHROMIUM` or Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env['HOTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
}

/** Debian's Chromium, driven through playwright-core. */
export const CHROMIUM: Component = {
  name: 'Chromium',
  debianPackage: 'chromium',
  installed: () => existsSync(chromiumPath()),
};

/** Debian's Kamailio with the modules the reference `examples/kamailio/kamailio.cfg` loads. */
export const KAMAILIO: Component = {
  name: 'Kamailio with websocket, http_client and jansson modules',
  debianPackage: 'kamailio kamailio-websocket-modules kamailio-utils-modules kamailio-extra-modules',
  installed: kamailioInstalled,
};

/** `describe(name, fn)` when every component is installed; otherwise a failing (CI) or skipped test. */
export function describeWith(components: readonly Component[], name: string, fn: () => void): void {
  const missing = components.filter((c) => !c.installed());
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const what = missing.map((c) => `${c.name} (Debian package "${c.debianPackage}")`).join(', ');
  const message = `${what} not installed: run scripts/provision (as root)`;
  describe(name, () => {
    if (isCi()) {
      it('needs its components', () => {
        throw new Error(`${message}; under CI=true a missing component is a failure, not a skip`);
      });
    } else {
      console.warn(`SKIPPED: ${name}: ${message}`);
      it.skip(`needs ${what}`, () => {});
    }
  });
}
