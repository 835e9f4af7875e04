// Entry point: `node run.mjs <base_url> [--mode browser|browser_localhost|native|all]
//   [--publishable-key pk_test_..] [--chromium PATH] [--password-user E] [--code-user E] [--totp-user E]`.
// Runs Clerk's JavaScript SDK against a clerk-tui development server and prints ONE JSON object
// on stdout ({base_url, modes: {browser, browser_localhost, native}}); progress goes to stderr.

import fs from 'node:fs';

function parseArgs(argv) {
  const out = {
    baseUrl: null,
    mode: 'all',
    publishableKey: null,
    chromium: process.env.CLERK_TUI_CHROMIUM || '/usr/bin/chromium',
    passwordUser: 'ada@example.com',
    password: process.env.CLERK_TUI_SDK_PASSWORD || 'clerk-demo-password',
    codeUser: 'katherine@example.com',
    linkUser: 'hedy@example.com',
    resetUser: 'edsger@example.com',
    trustUser: 'donald@example.com',
    // Two TOTP users: a code is accepted once per 30 s step, and both modes run in that window.
    totpUser: 'grace@example.com',
    totpUserNative: 'barbara@example.com',
  };
  const flags = { '--mode': 'mode', '--publishable-key': 'publishableKey', '--chromium': 'chromium',
    '--password-user': 'passwordUser', '--code-user': 'codeUser', '--link-user': 'linkUser', '--reset-user': 'resetUser', '--trust-user': 'trustUser', '--totp-user': 'totpUser',
    '--totp-user-native': 'totpUserNative' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flags[a]) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      out[flags[a]] = argv[++i];
    } else if (!a.startsWith('--') && !out.baseUrl) out.baseUrl = a.replace(/\/+$/, '');
    else throw new Error(`unknown argument ${a}`);
  }
  if (!out.baseUrl) throw new Error('usage: node run.mjs <base_url> [--mode browser|browser_localhost|native|all]');
  if (!['browser', 'browser_localhost', 'native', 'native-resume', 'all'].includes(out.mode)) throw new Error(`bad --mode ${out.mode}`);
  return out;
}

/** pk_test_ + base64("host:port$"), the key a development instance at base_url would have. */
export function publishableKeyFor(baseUrl) {
  const host = new URL(baseUrl).host;
  return 'pk_test_' + Buffer.from(`${host}$`).toString('base64').replace(/=+$/, '');
}

const log = msg => process.stderr.write(`[sdk] ${msg}\n`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const publishableKey = args.publishableKey || publishableKeyFor(args.baseUrl);
  const flowOptions = {
    passwordUser: args.passwordUser,
    password: args.password,
    codeUser: args.codeUser,
    linkUser: args.linkUser,
    resetUser: args.resetUser,
    // Each run resets the same user's password to its own new one.
    newPassword: `${args.password}-renewed`,
    trustUser: args.trustUser,
    totpUser: args.totpUser,
  };
  if (args.mode === 'native-resume') {
    // The "restarted app" half of the native stay-signed-in flow (see native.mjs).
    const { resumeNative } = await import('./native.mjs');
    const result = await resumeNative({ baseUrl: args.baseUrl, publishableKey, flowOptions, log });
    process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
    return;
  }
  const report = { base_url: args.baseUrl, publishable_key: publishableKey, modes: {} };
  const run = async (name, fn) => {
    const started = Date.now();
    try {
      report.modes[name] = await fn();
    } catch (e) {
      report.modes[name] = { fatal: String(e && e.stack ? e.stack : e) };
    }
    report.modes[name].millis = Date.now() - started;
  };
  const browserModes = {
    // Page and server both on 127.0.0.1 (different ports: same site, so the cookie flows).
    browser: { pageHost: '127.0.0.1', serverUrl: args.baseUrl, flowOptions },
    // The usual dev setup: app on http://localhost:<port>. The key must still name a dotted host
    // (clerk-js rejects `localhost:PORT`), and proxyUrl uses `localhost` so the server stays
    // same-site with the page. No TOTP user left for this run (codes are single-use per step).
    browser_localhost: {
      pageHost: 'localhost',
      serverUrl: args.baseUrl.replace('//127.0.0.1:', '//localhost:'),
      flowOptions: { ...flowOptions, totpUser: null },
    },
  };
  for (const [name, m] of Object.entries(browserModes)) {
    if (args.mode !== name && !(args.mode === 'all' && (name === 'browser' || args.baseUrl.includes('//127.0.0.1:')))) continue;
    if (!fs.existsSync(args.chromium)) {
      report.modes[name] = { fatal: `chromium not found at ${args.chromium}; run .ci/sdk-setup` };
      continue;
    }
    const { runBrowser } = await import('./browser.mjs');
    await run(name, () =>
      runBrowser({
        baseUrl: m.serverUrl,
        publishableKey,
        flowOptions: m.flowOptions,
        executablePath: args.chromium,
        pageHost: m.pageHost,
        log: msg => log(`${name}: ${msg}`),
      }),
    );
  }
  if (args.mode === 'native' || args.mode === 'all') {
    const { runNative } = await import('./native.mjs');
    await run('native', () => runNative({
        baseUrl: args.baseUrl,
        publishableKey,
        flowOptions: { ...flowOptions, totpUser: args.totpUserNative },
        log,
      }),);
  }
  // clerk-js keeps timers (session polling) alive, so exit once the report is flushed.
  process.stdout.write(JSON.stringify(report) + '\n', () => process.exit(0));
}

main().catch(e => {
  process.stderr.write(`run.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(2);
});
