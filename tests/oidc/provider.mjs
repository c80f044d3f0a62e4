// A real OpenID Connect provider for Koridor's sign-in tests: oidc-provider (OpenID Certified), on
// loopback, with the clients and accounts of a JSON file (tests/oidc_support.py writes it):
//
//   node provider.mjs CONFIG.json      prints "ready <issuer>" once it listens
//
// CONFIG: {host, port, issuer, clients: [oidc-provider client metadata + optional "code_ttl"
// seconds], accounts: {id: {claims}}, tamper: {client_id: {aud|iss|nonce|exp_offset|foreign_key}}}.
// The interaction is a one-field sign-in form (the account id); consent is granted at once.
// "tamper" rewrites the ID token that the token endpoint returns to one client and signs it again
// with the provider's key (or with a foreign key): the harness's stand-in for a provider, or a
// man in the middle, handing the relying party a token it must refuse.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'koridor-test', alg: 'RS256', use: 'sig' };
const foreign = (await jose.generateKeyPair('RS256', { extractable: true })).privateKey;

const codeTtl = Object.fromEntries(config.clients.map((c) => [c.client_id, c.code_ttl || 60]));
const clients = config.clients.map(({ code_ttl: _ttl, ...metadata }) => metadata);

const provider = new Provider(config.issuer, {
  clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['koridor-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    organisation: ['inn', 'ogrn', 'org_name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'profile', 'email', 'organisation', 'groups'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
<body><h1>Sign out of the test provider?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></body></html>`;
      },
    },
  },
  pkce: { required: () => true },
  ttl: {
    AuthorizationCode: (ctx, token, client) => codeTtl[client.clientId] || 60,
    IdToken: 3600,
    AccessToken: 3600,
    Session: 3600,
    Interaction: 600,
    Grant: 3600,
  },
  findAccount: async (ctx, id) => {
    const account = config.accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><html><body><h1>Provider error</h1><pre>${escape(JSON.stringify(out))}</pre></body></html>`;
  },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    if (action === 'login' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const login = form.get('login') || '';
      if (!config.accounts[login]) {
        return page(res, uid, `Unknown account: ${login}`);
      }
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    return page(res, uid, '');
  }
  // consent: grant what was asked for, at once
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function page(res, uid, message) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head><body>
<h1>Test identity provider</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Account</label> <input id="login" name="login" autofocus>
<button type="submit">Sign in at the provider</button></form></body></html>`);
}

function basicClient(req) {
  const [scheme, value] = (req.headers.authorization || '').split(' ');
  if (!scheme || scheme.toLowerCase() !== 'basic' || !value) return null;
  return decodeURIComponent(Buffer.from(value, 'base64').toString('utf8').split(':')[0]);
}

// The token endpoint's answer to a tampered client: the same ID token with one claim changed.
function tamperToken(req, res, rules) {
  const chunks = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = (chunk) => { if (chunk) chunks.push(Buffer.from(chunk)); return true; };
  res.end = (chunk, ...rest) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks).toString('utf8');
    rewrite(body, rules).then((text) => {
      res.setHeader('content-length', Buffer.byteLength(text));
      write(text);
      end();
    }, () => { write(body); end(); });
    return res;
  };
}

async function rewrite(body, rules) {
  const token = JSON.parse(body);
  if (!token.id_token) return body;
  const claims = jose.decodeJwt(token.id_token);
  if (rules.aud) claims.aud = rules.aud;
  if (rules.iss) claims.iss = rules.iss;
  if (rules.nonce) claims.nonce = rules.nonce;
  if (rules.exp_offset) {
    const now = Math.floor(Date.now() / 1000);
    claims.exp = now + rules.exp_offset;
    claims.iat = Math.min(claims.iat, claims.exp - 60);
  }
  const key = rules.foreign_key ? foreign : privateKey;
  token.id_token = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'koridor-test' }).sign(key);
  return JSON.stringify(token);
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, config.issuer);
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (match) return await interaction(req, res, match[1], match[2]);
    if (url.pathname === '/token' && req.method === 'POST') {
      const rules = (config.tamper || {})[basicClient(req)];
      if (rules) tamperToken(req, res, rules);
    }
    return callback(req, res);
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    return res.end(`interaction failed: ${err.message}`);
  }
});
server.listen(config.port, config.host, () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
