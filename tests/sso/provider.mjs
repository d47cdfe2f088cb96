// A real OpenID Connect provider for the single sign-on tests (node's oidc-provider), one per
// issuer, each on its own port of 127.0.0.1. Nothing here is a mock of the protocol: discovery,
// the authorisation code flow with PKCE, signed ID tokens, userinfo and RP-initiated logout are
// oidc-provider's own.
//
//   node tests/sso/provider.mjs '[{"id": "council", "client_id": "...", "client_secret": "...",
//                                  "redirect_uri": "...", "post_logout_redirect_uri": "..."}]'
//
// Prints one line of JSON, {"council": "http://127.0.0.1:PORT", ...}, once every issuer listens.
// The sign-in page is scripted: a form with one field, the account's subject. The test says who
// exists and what the provider says about them (claims, amr) with PUT /test/accounts/<sub>.
import http from 'node:http';
import Provider from 'oidc-provider';

const issuers = JSON.parse(process.argv[2]);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function start(issuer) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const accounts = new Map();
  const provider = new Provider(url, {
    clients: [{
      client_id: issuer.client_id,
      client_secret: issuer.client_secret,
      redirect_uris: [issuer.redirect_uri],
      post_logout_redirect_uris: [issuer.post_logout_redirect_uri],
      token_endpoint_auth_method: 'client_secret_post',
      require_auth_time: true,
    }],
    cookies: { keys: [`cookie-key-${issuer.id}`] },
    claims: {
      openid: ['sub', 'amr'], // amr: how the person signed in (RFC 8176), when known
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    features: { devInteractions: { enabled: false } },
    findAccount: async (ctx, sub) => {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
    },
    // First-party clients: no consent page; every scope asked for is granted.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  provider.use(async (ctx, next) => {
    const account = ctx.path.match(/^\/test\/accounts\/([^/]+)$/);
    if (account && ctx.method === 'PUT') {
      accounts.set(decodeURIComponent(account[1]), JSON.parse(await readBody(ctx.req)));
      ctx.status = 204;
      return;
    }
    const interaction = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!interaction) {
      await next();
      return;
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Sign in to ${escape(issuer.id)}</title>
<h1>Sign in to ${escape(issuer.id)}</h1><p id="prompt">${escape(details.prompt.name)}</p>
<form method="post" action="/interaction/${escape(details.uid)}/login">
<label>Subject <input name="sub"></label><button>Sign in</button></form>`;
      return;
    }
    const sub = new URLSearchParams(await readBody(ctx.req)).get('sub');
    if (!accounts.has(sub)) {
      ctx.status = 400;
      ctx.body = 'No such account';
      return;
    }
    const login = { accountId: sub, ...(accounts.get(sub).amr ? { amr: accounts.get(sub).amr } : {}) };
    const target = await provider.interactionResult(ctx.req, ctx.res, { login },
      { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(target);
  });
  server.on('request', provider.callback());
  return [issuer.id, url];
}

const started = Object.fromEntries(await Promise.all(issuers.map(start)));
process.stdout.write(`${JSON.stringify(started)}\n`);
