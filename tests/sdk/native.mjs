// Mode (b): clerk-js's React Native build run in Node, wired the way Clerk's Expo SDK wires it
// (packages/expo createClerkInstance): no cookies, `_is_native=1`, the client token sent in
// `Authorization` and the rotated one read back from the response's `Authorization` header.

import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The `react-native` export of @clerk/clerk-js (dist/clerk.native.js), loaded by file path. */
function loadNativeClerk() {
  // React Native's global object is also `window` (with no `location` or `document`); the
  // native build reads `window.location` on sign-out and expects exactly that.
  if (typeof globalThis.window === 'undefined') globalThis.window = globalThis;
  const dist = path.dirname(require.resolve('@clerk/clerk-js'));
  const mod = require(path.join(dist, 'clerk.native.js'));
  const Clerk = mod.Clerk || mod.default?.Clerk || mod.default;
  if (typeof Clerk !== 'function') throw new Error(`clerk.native.js exports no Clerk class (keys: ${Object.keys(mod)})`);
  return Clerk;
}

export async function runNative({ baseUrl, publishableKey, flowOptions, log }) {
  const { runFlows, readCodeFromOutbox } = await import('./flows.mjs');
  const Clerk = loadNativeClerk();
  const clerk = new Clerk(publishableKey, { proxyUrl: baseUrl });
  const requests = [];
  const tokenStore = { jwt: null, saves: 0 };
  clerk.__internal_onBeforeRequest(async init => {
    init.credentials = 'omit';
    init.url?.searchParams.append('_is_native', '1');
    init.headers.set('authorization', tokenStore.jwt || '');
    init.headers.set('x-mobile', '1');
  });
  clerk.__internal_onAfterResponse(async (init, response) => {
    const url = init.url instanceof URL ? init.url : new URL(String(init.url));
    const method = (url.searchParams.get('_method') || init.method || 'GET').toUpperCase();
    requests.push({ method, path: url.pathname, query: url.search, status: response.status, failure: null });
    log(`native ${method} ${url.pathname} -> ${response.status}`);
    const auth = response.headers.get('authorization');
    if (auth) {
      tokenStore.jwt = auth;
      tokenStore.saves += 1;
    }
  });
  const flows = await runFlows(clerk, {
    ...flowOptions,
    loadOptions: { standardBrowser: false },
    readCode: (email, signInId) => readCodeFromOutbox(baseUrl, email, signInId),
  });
  return { flows, requests, client_token_saved: tokenStore.saves > 0 };
}
