// Sign-in flows driven through Clerk's own SDK object (`Clerk` from @clerk/clerk-js).
// The same module runs in headless Chromium (served as an ES module) and in Node, so both
// modes exercise identical SDK calls; only how the one-time code is read differs.

/** Payload of a session JWT (no signature check: the Rust side checks the JWKS). */
export function jwtClaims(jwt) {
  const part = String(jwt).split('.')[1] || '';
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const text = typeof atob === 'function' ? atob(padded) : Buffer.from(padded, 'base64').toString('binary');
  return JSON.parse(decodeURIComponent(escape(text)));
}

/** What a thrown SDK error tells: ClerkAPIResponseError carries `status` and `errors`. */
export function describeError(e) {
  if (!e) return null;
  return {
    name: e.name || null,
    message: String(e.message || e),
    status: e.status ?? null,
    codes: Array.isArray(e.errors) ? e.errors.map(x => x.code) : [],
    stack: e.stack ? String(e.stack).split('\n').slice(0, 6).join('\n') : null,
  };
}

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function step(result, name, fn) {
  try {
    const value = await fn();
    result.steps.push({ name, ok: true });
    return value;
  } catch (e) {
    result.steps.push({ name, ok: false, error: describeError(e) });
    throw e;
  }
}

async function activateAndToken(clerk, result, signIn) {
  result.sign_in_status = signIn.status;
  if (signIn.status !== 'complete') {
    throw new Error(`sign-in ended in status ${signIn.status}, not complete`);
  }
  result.session_id = signIn.createdSessionId;
  await step(result, 'setActive', () => clerk.setActive({ session: signIn.createdSessionId }));
  result.active_session_id = clerk.session ? clerk.session.id : null;
  result.user_id = clerk.user ? clerk.user.id : null;
  const jwt = await step(result, 'session.getToken', () => clerk.session.getToken({ skipCache: true }));
  if (!jwt) throw new Error('session.getToken() returned no token');
  result.jwt = jwt;
  result.claims = jwtClaims(jwt);
}

async function signOut(clerk, result) {
  await step(result, 'signOut', () => clerk.signOut());
  result.signed_out = !clerk.session && (clerk.client ? clerk.client.signedInSessions.length === 0 : true);
  if (!result.signed_out) throw new Error('a session is still active after signOut()');
}

async function flow(name, fn) {
  const result = { name, ok: false, steps: [] };
  try {
    await fn(result);
    result.ok = true;
  } catch (e) {
    result.error = describeError(e);
  }
  return result;
}

/**
 * Loads Clerk and runs every flow. `opts.readCode(email, signInId)` returns the emailed code,
 * `opts.readTotp(email)` the user's current authenticator code; `opts.loadOptions` goes to
 * `clerk.load()`.
 */
export async function runFlows(clerk, opts) {
  const flows = [];
  const load = await flow('load', async r => {
    await step(r, 'load', () => clerk.load({ telemetry: false, ...(opts.loadOptions || {}) }));
    r.loaded = !!clerk.loaded;
    r.instance_type = clerk.instanceType || null;
    r.client_id = clerk.client ? clerk.client.id : null;
    // 'degraded' means clerk-js swallowed a failed environment or client fetch and went on.
    r.status = clerk.status ?? null;
    const env = clerk.__internal_environment || clerk.environment || null;
    r.application_name = env?.displayConfig?.applicationName ?? null;
    r.instance_environment_type = env?.displayConfig?.instanceEnvironmentType ?? null;
    if (!clerk.loaded) throw new Error('clerk.loaded is false after load()');
    if (r.status !== 'ready') throw new Error(`clerk.status is ${r.status} after load(), not ready`);
    if (!clerk.client) throw new Error('clerk.client is missing after load()');
  });
  flows.push(load);
  // A degraded load still lets clerk-js sign in; run the flows to show how far it gets.
  if (!clerk.loaded || !clerk.client) return flows;

  flows.push(
    await flow('password', async r => {
      const signIn = await step(r, 'signIn.create', () =>
        clerk.client.signIn.create({ identifier: opts.passwordUser, password: opts.password }),
      );
      await activateAndToken(clerk, r, signIn);
      await signOut(clerk, r);
    }),
  );

  flows.push(
    await flow('password_incorrect', async r => {
      try {
        await clerk.client.signIn.create({ identifier: opts.passwordUser, password: `${opts.password}-wrong` });
      } catch (e) {
        r.error_seen = describeError(e);
        r.steps.push({ name: 'signIn.create rejects', ok: true });
        if (!r.error_seen.codes.includes('form_password_incorrect')) {
          throw new Error(`wrong password gave ${JSON.stringify(r.error_seen.codes)}, not form_password_incorrect`);
        }
        return;
      }
      throw new Error('a wrong password signed in');
    }),
  );

  // TOTP codes are single-use per 30 s step, so only runs that were given their own user do this.
  if (opts.totpUser) flows.push(
    await flow('password_totp', async r => {
      const first = await step(r, 'signIn.create', () =>
        clerk.client.signIn.create({ identifier: opts.totpUser, password: opts.password }),
      );
      r.first_status = first.status;
      if (first.status !== 'needs_second_factor') throw new Error(`status ${first.status}, not needs_second_factor`);
      if (!(first.supportedSecondFactors || []).some(f => f.strategy === 'totp')) {
        throw new Error('no totp second factor offered');
      }
      const code = await step(r, 'read TOTP', () => opts.readTotp(opts.totpUser));
      const signIn = await step(r, 'attemptSecondFactor', () =>
        first.attemptSecondFactor({ strategy: 'totp', code }),
      );
      await activateAndToken(clerk, r, signIn);
      await signOut(clerk, r);
    }),
  );

  flows.push(
    await flow('email_code', async r => {
      const created = await step(r, 'signIn.create', () =>
        clerk.client.signIn.create({ identifier: opts.codeUser }),
      );
      const factor = (created.supportedFirstFactors || []).find(f => f.strategy === 'email_code');
      if (!factor) throw new Error('no email_code first factor offered');
      const prepared = await step(r, 'prepareFirstFactor', () =>
        created.prepareFirstFactor({ strategy: 'email_code', emailAddressId: factor.emailAddressId }),
      );
      r.verification_status = prepared.firstFactorVerification?.status ?? null;
      const code = await step(r, 'read outbox', () => opts.readCode(opts.codeUser, prepared.id));
      const signIn = await step(r, 'attemptFirstFactor', () =>
        clerk.client.signIn.attemptFirstFactor({ strategy: 'email_code', code }),
      );
      await activateAndToken(clerk, r, signIn);
      await signOut(clerk, r);
    }),
  );
  if (opts.resetUser) flows.push(
    await flow('reset_password', async r => {
      // create() with the strategy also sends the reset code (FAPI prepares on create).
      const created = await step(r, 'signIn.create', () =>
        clerk.client.signIn.create({ strategy: 'reset_password_email_code', identifier: opts.resetUser }),
      );
      const code = await step(r, 'read outbox', () => opts.readCode(opts.resetUser, created.id));
      const attempted = await step(r, 'attemptFirstFactor', () =>
        created.attemptFirstFactor({ strategy: 'reset_password_email_code', code }),
      );
      r.after_code_status = attempted.status;
      if (attempted.status !== 'needs_new_password') {
        throw new Error(`status ${attempted.status} after the reset code, not needs_new_password`);
      }
      const signIn = await step(r, 'resetPassword', () =>
        attempted.resetPassword({ password: opts.newPassword, signOutOfOtherSessions: true }),
      );
      await activateAndToken(clerk, r, signIn);
      await signOut(clerk, r);
    }),
  );

  if (opts.trustUser) flows.push(
    await flow('client_trust', async r => {
      const first = await step(r, 'signIn.create', () =>
        clerk.client.signIn.create({ identifier: opts.trustUser, password: opts.password }),
      );
      r.first_status = first.status;
      if (first.status !== 'needs_client_trust') throw new Error(`status ${first.status}, not needs_client_trust`);
      const factor = (first.supportedSecondFactors || []).find(f => f.strategy === 'email_code');
      if (!factor) throw new Error('no email_code second factor offered for client trust');
      const prepared = await step(r, 'prepareSecondFactor', () =>
        first.prepareSecondFactor({ strategy: 'email_code', emailAddressId: factor.emailAddressId }),
      );
      const code = await step(r, 'read outbox', () => opts.readCode(opts.trustUser, prepared.id));
      const signIn = await step(r, 'attemptSecondFactor', () =>
        prepared.attemptSecondFactor({ strategy: 'email_code', code }),
      );
      await activateAndToken(clerk, r, signIn);
      await signOut(clerk, r);
    }),
  );

  if (opts.linkUser) flows.push(
    await flow('email_link', async r => {
      const created = await step(r, 'signIn.create', () => clerk.client.signIn.create({ identifier: opts.linkUser }));
      const factor = (created.supportedFirstFactors || []).find(f => f.strategy === 'email_link');
      if (!factor) throw new Error('no email_link first factor offered');
      // clerk-js prepares the link, then polls the sign-in until the link is opened elsewhere.
      const { startEmailLinkFlow, cancelEmailLinkFlow } = created.createEmailLinkFlow();
      const polled = startEmailLinkFlow({ emailAddressId: factor.emailAddressId, redirectUrl: opts.linkRedirectUrl });
      polled.catch(() => {});
      try {
        const link = await step(r, 'read outbox', () => opts.readLink(opts.linkUser, created.id));
        await step(r, 'open link', () => opts.openLink(link));
        const verified = await step(r, 'startEmailLinkFlow resolves', () =>
          withTimeout(polled, 20000, 'startEmailLinkFlow did not see the opened link within 20 s'),
        );
        r.verification_status = verified.firstFactorVerification?.status ?? null;
        if (r.verification_status !== 'verified') {
          throw new Error(`email link verification is ${r.verification_status}, not verified`);
        }
        await activateAndToken(clerk, r, verified);
        await signOut(clerk, r);
      } finally {
        cancelEmailLinkFlow();
      }
    }),
  );
  return flows;
}

/**
 * First half of the "stays signed in" flow: sign in with a password and leave the session
 * active, so a reloaded page (or restarted app) can find it.
 */
export async function signInAndStay(clerk, opts) {
  return flow('stay_signed_in', async r => {
    const signIn = await step(r, 'signIn.create', () =>
      clerk.client.signIn.create({ identifier: opts.passwordUser, password: opts.password }),
    );
    await activateAndToken(clerk, r, signIn);
  });
}

/** Second half, on a fresh page or process: load, find the same session, mint, sign out. */
export async function resumeAndSignOut(clerk, opts, before) {
  return flow('stay_signed_in', async r => {
    r.before = before;
    await step(r, 'load', () => clerk.load({ telemetry: false, ...(opts.loadOptions || {}) }));
    r.status = clerk.status ?? null;
    r.resumed_session_id = clerk.session ? clerk.session.id : null;
    if (r.resumed_session_id !== before.session_id) {
      throw new Error(`after restart the session is ${r.resumed_session_id}, not ${before.session_id}`);
    }
    r.session_id = r.resumed_session_id;
    r.user_id = clerk.user ? clerk.user.id : null;
    const jwt = await step(r, 'session.getToken', () => clerk.session.getToken({ skipCache: true }));
    r.jwt = jwt;
    r.claims = jwtClaims(jwt);
    await signOut(clerk, r);
  });
}

export async function readTotpFromDev(baseUrl, email) {
  const res = await fetch(`${baseUrl}/__dev/totp/${encodeURIComponent(email)}`);
  if (!res.ok) throw new Error(`GET /__dev/totp answered ${res.status}`);
  const body = await res.json();
  return body.code;
}

/**
 * The newest outbox message to `email` for a sign-in that `pick` accepts. Older messages for the
 * same address (earlier runs) do not count, so keep asking until the new one lands.
 */
async function waitForMessage(baseUrl, email, signInId, pick, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const res = await fetch(`${baseUrl}/__dev/outbox?to=${encodeURIComponent(email)}&wait=1`);
    if (!res.ok) throw new Error(`GET /__dev/outbox answered ${res.status}`);
    const hit = (await res.json()).find(m => pick(m) && (!signInId || m.sign_in_id === signInId));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no ${what} in the outbox for ${email} (sign-in ${signInId})`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** The sign-in link the emulator "emailed" for a sign-in. */
export async function readLinkFromOutbox(baseUrl, email, signInId) {
  return (await waitForMessage(baseUrl, email, signInId, m => !!m.link, 'link')).link;
}

/** The one-time code the emulator "emailed" for a sign-in. */
export async function readCodeFromOutbox(baseUrl, email, signInId) {
  return (await waitForMessage(baseUrl, email, signInId, m => !!m.code, 'code')).code;
}
