// Mode (b): clerk-js's React Native build run in Node, wired the way Clerk's Expo SDK wires it
// (packages/expo createClerkInstance): no cookies, `_is_native=1`, the client token sent in
// `Authorization` and the rotated one read back from the response's `Authorization` header.

import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  runFlows,
  signInAndStay,
  resumeAndSignOut,
  readCodeFromOutbox,
  readLinkFromOutbox,
  readTotpFromDev,
} from './flows.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const TOKEN_ENV = 'CLERK_TUI_SDK_CLIENT_TOKEN';

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

/** A Clerk instance with Expo's request hooks around an in-memory token cache. */
function nativeClerk({ baseUrl, publishableKey, log, token }) {
  const Clerk = loadNativeClerk();
  const clerk = new Clerk(publishableKey, { proxyUrl: baseUrl });
  const state = { requests: [], jwt: token || null, saves: 0 };
  clerk.__internal_onBeforeRequest(async init => {
    init.credentials = 'omit';
    init.url?.searchParams.append('_is_native', '1');
    init.headers.set('authorization', state.jwt || '');
    init.headers.set('x-mobile', '1');
  });
  clerk.__internal_onAfterResponse(async (init, response) => {
    const url = init.url instanceof URL ? init.url : new URL(String(init.url));
    const method = (url.searchParams.get('_method') || init.method || 'GET').toUpperCase();
    state.requests.push({ method, path: url.pathname, query: url.search, status: response.status, failure: null });
    log(`native ${method} ${url.pathname} -> ${response.status}`);
    const auth = response.headers.get('authorization');
    if (auth) {
      state.jwt = auth;
      state.saves += 1;
    }
  });
  return { clerk, state };
}

function flowOpts(baseUrl, flowOptions) {
  return {
    ...flowOptions,
    loadOptions: { standardBrowser: false },
    readCode: (email, signInId) => readCodeFromOutbox(baseUrl, email, signInId),
    readTotp: email => readTotpFromDev(baseUrl, email),
    readLink: (email, signInId) => readLinkFromOutbox(baseUrl, email, signInId),
    // Opened in the phone's mail app / browser: a GET without the app's client token.
    openLink: async link => {
      const res = await fetch(link, { redirect: 'manual' });
      if (res.status >= 400) throw new Error(`opening the email link answered ${res.status}`);
    },
    linkRedirectUrl: 'http://127.0.0.1/after-email-link',
  };
}

/** Runs `run.mjs --mode native-resume` in a new process: the "restarted app". */
function resumeInChild(baseUrl, publishableKey, token, before) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(here, 'run.mjs'), baseUrl, '--mode', 'native-resume', '--publishable-key', publishableKey],
      { env: { ...process.env, [TOKEN_ENV]: token, CLERK_TUI_SDK_BEFORE: JSON.stringify(before) }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', d => (out += d));
    child.on('error', reject);
    child.on('close', code => {
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        reject(new Error(`native-resume exited ${code} without a JSON result: ${out.slice(0, 500)}`));
      }
    });
  });
}

export async function runNative({ baseUrl, publishableKey, flowOptions, log }) {
  const { clerk, state } = nativeClerk({ baseUrl, publishableKey, log });
  const opts = flowOpts(baseUrl, flowOptions);
  const flows = await runFlows(clerk, opts);
  let requests = state.requests;
  if (clerk.loaded && clerk.client) {
    const stay = await signInAndStay(clerk, opts);
    if (stay.ok && state.jwt) {
      const resumed = await resumeInChild(baseUrl, publishableKey, state.jwt, { session_id: stay.session_id });
      flows.push(resumed.flow);
      requests = requests.concat(resumed.requests);
    } else {
      flows.push(stay);
    }
  }
  return { flows, requests, client_token_saved: state.saves > 0 };
}

/** The restarted app: only the saved client token survives, as with Expo's token cache. */
export async function resumeNative({ baseUrl, publishableKey, flowOptions, log }) {
  const token = process.env[TOKEN_ENV];
  const before = JSON.parse(process.env.CLERK_TUI_SDK_BEFORE || '{}');
  const { clerk, state } = nativeClerk({ baseUrl, publishableKey, log, token });
  const flow = await resumeAndSignOut(clerk, flowOpts(baseUrl, flowOptions), before);
  return { flow, requests: state.requests };
}
