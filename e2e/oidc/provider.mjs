// The OpenID provider of the single sign-on tests: `oidc-provider` (a certified OpenID Connect
// implementation, npm) with its development login page, RP-initiated logout, and the test key
// `test-key.pem` (so a test can also sign tokens the provider's JWKS accepts). Test-only.
//
//   NODE_PATH=.tools/node/node_modules FACHWERK_URL=http://127.0.0.1:8080 node e2e/oidc/provider.mjs
//
// Listens on a free loopback port and prints `READY <issuer>`. Any login name with any
// password signs in; the groups claim comes from GROUPS below (the name itself otherwise none).

import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { default: Provider } = await import(pathToFileURL(require.resolve('oidc-provider')).href);

const fachwerk = process.env.FACHWERK_URL;
if (!fachwerk) {
  throw new Error('FACHWERK_URL is required');
}

// Group memberships as a Keycloak realm would send them (paths, "Full group path" on).
export const GROUPS = {
  erika: ['/fachwerk-redaktion'],
  rita: ['/fachwerk-freigabe', '/sachbearbeitung'],
  ada: ['/fachwerk-admin'],
  otto: ['/kantine'],
};

const key = createPrivateKey(readFileSync(new URL('./test-key.pem', import.meta.url)))
  .export({ format: 'jwk' });

const server = createServer();
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'fachwerk',
    client_secret: 'test-client-secret',
    redirect_uris: [`${fachwerk}/api/oidc/callback`],
    post_logout_redirect_uris: [`${fachwerk}/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...key, kid: 'fachwerk-test', use: 'sig', alg: 'RS256' }] },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'] },
  // The groups go into the ID token (as Keycloak's mapper "Add to ID token" does).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['fachwerk-test-cookie-key'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          preferred_username: id,
          name: `${id.charAt(0).toUpperCase()}${id.slice(1)} Muster`,
          groups: GROUPS[id] ?? [],
        };
      },
    };
  },
});

server.on('request', provider.callback());
console.log(`READY ${issuer}`);
