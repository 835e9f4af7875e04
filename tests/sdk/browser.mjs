// Mode (a): clerk-js's browser bundle in headless Debian Chromium, driven by playwright-core.
// A loopback page server hands out the page, the bundle (from node_modules, no CDN) and flows.mjs;
// every request the page makes to the emulator is logged with its effective method and status.

import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

function clerkDistDir() {
  // `require.resolve('@clerk/clerk-js')` gives dist/clerk.js (package.json is not exported).
  return path.dirname(require.resolve('@clerk/clerk-js'));
}

function pageHtml(publishableKey, proxyUrl) {
  const attr = s => String(s).replace(/[&"<>]/g, c => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>clerk-js against clerk-tui</title></head>
<body><script async crossorigin="anonymous" data-clerk-publishable-key="${attr(publishableKey)}"
 data-clerk-proxy-url="${attr(proxyUrl)}" src="/clerk/clerk.browser.js"></script></body></html>`;
}

/** Serves the page, /clerk/<bundle files> and /flows.mjs on 127.0.0.1 (random port). */
function startPageServer(publishableKey, proxyUrl) {
  const dist = clerkDistDir();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let file = null;
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pageHtml(publishableKey, proxyUrl));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/flows.mjs') file = path.join(here, 'flows.mjs');
    else if (url.pathname.startsWith('/clerk/')) {
      const name = path.basename(url.pathname);
      if (/^[\w.-]+$/.test(name)) file = path.join(dist, name);
    }
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function runBrowser({ baseUrl, publishableKey, flowOptions, executablePath, log, pageHost = '127.0.0.1' }) {
  const { chromium } = await import('playwright-core');
  const server = await startPageServer(publishableKey, baseUrl);
  const pageOrigin = `http://${pageHost}:${server.address().port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clerk-sdk-chromium-'));
  const requests = [];
  const console_ = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', m => console_.push(`${m.type()}: ${m.text()}`.slice(0, 400)));
    page.on('pageerror', e => console_.push(`pageerror: ${e.message}`.slice(0, 400)));
    const record = (req, status, failure) => {
      const url = new URL(req.url());
      if (url.origin !== baseUrl) return;
      const method = url.searchParams.get('_method') || req.method();
      requests.push({ method: method.toUpperCase(), path: url.pathname, query: url.search, status, failure });
      log(`${method} ${url.pathname} -> ${status ?? failure}`);
    };
    page.on('response', r => {
      record(r.request(), r.status(), null);
      if (r.status() >= 400 && !r.url().startsWith(baseUrl)) console_.push(`page server ${r.status()}: ${r.url()}`);
    });
    page.on('requestfailed', r => record(r, null, r.failure()?.errorText || 'failed'));
    await page.goto(pageOrigin + '/');
    await page.waitForFunction(() => !!window.Clerk, null, { timeout: 15000 });
    // Functions cannot cross into the page, so each evaluate builds the options itself. A
    // framework hands clerk-js its router; doing the same keeps signOut()/setActive() from
    // reloading the page under the test.
    const pageOptions = `({
      ...flowOptions,
      loadOptions: { routerPush: to => { window.__navigations.push(String(to)); },
                     routerReplace: to => { window.__navigations.push(String(to)); } },
      readCode: (email, signInId) => m.readCodeFromOutbox(baseUrl, email, signInId),
      readTotp: email => m.readTotpFromDev(baseUrl, email),
      readLink: (email, signInId) => m.readLinkFromOutbox(baseUrl, email, signInId),
      // The person opens the emailed link in another tab: a plain navigation-like GET.
      openLink: link => fetch(link, { mode: 'no-cors', credentials: 'omit' }),
      linkRedirectUrl: location.origin + '/after-email-link',
    })`;
    let before = null;
    const inPage = body =>
      page.evaluate(
        new Function(
          'args',
          `return (async ({ baseUrl, flowOptions, before }) => {
            window.__navigations = window.__navigations || [];
            const m = await import('/flows.mjs');
            const opts = ${pageOptions};
            ${body}
          })(args);`,
        ),
        { baseUrl, flowOptions, before },
      );
    const flows = await inPage('return m.runFlows(window.Clerk, opts);');
    const stay = await inPage('return m.signInAndStay(window.Clerk, opts);');
    if (stay.ok) {
      // A reload keeps only what the browser stored; the server knows the client by its
      // __client cookie.
      await page.reload();
      await page.waitForFunction(() => !!window.Clerk, null, { timeout: 15000 });
      before = { session_id: stay.session_id };
      flows.push(await inPage('return m.resumeAndSignOut(window.Clerk, opts, before);'));
    } else {
      flows.push(stay);
    }
    const navigations = await page.evaluate(() => window.__navigations || []);
    return { flows, navigations, requests, console: console_, page_origin: pageOrigin };
  } finally {
    await context.close().catch(() => {});
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}
