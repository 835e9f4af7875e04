// Entry point: `node run.mjs <base_url> [--mode browser|native|all] [--publishable-key pk_test_..]`.
// Runs Clerk's JavaScript SDK against a clerk-tui development server and prints ONE JSON object
// on stdout ({base_url, modes: {browser: {...}, native: {...}}}); progress goes to stderr.

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
    // Two TOTP users: a code is accepted once per 30 s step, and both modes run in that window.
    totpUser: 'grace@example.com',
    totpUserNative: 'barbara@example.com',
  };
  const flags = { '--mode': 'mode', '--publishable-key': 'publishableKey', '--chromium': 'chromium',
    '--password-user': 'passwordUser', '--code-user': 'codeUser', '--totp-user': 'totpUser',
    '--totp-user-native': 'totpUserNative' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flags[a]) {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      out[flags[a]] = argv[++i];
    } else if (!a.startsWith('--') && !out.baseUrl) out.baseUrl = a.replace(/\/+$/, '');
    else throw new Error(`unknown argument ${a}`);
  }
  if (!out.baseUrl) throw new Error('usage: node run.mjs <base_url> [--mode browser|native|all]');
  if (!['browser', 'native', 'native-resume', 'all'].includes(out.mode)) throw new Error(`bad --mode ${out.mode}`);
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
  if (args.mode === 'browser' || args.mode === 'all') {
    if (!fs.existsSync(args.chromium)) {
      report.modes.browser = { fatal: `chromium not found at ${args.chromium}; run .ci/sdk-setup` };
    } else {
      const { runBrowser } = await import('./browser.mjs');
      await run('browser', () =>
        runBrowser({ baseUrl: args.baseUrl, publishableKey, flowOptions, executablePath: args.chromium, log }),
      );
    }
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
