// The names verification shares with the rest of the build (the trusted-root setting, the TUF
// cache layer, the accepted OIDC issuers), kept apart from trust-root.ts so that naming them
// does not load the Sigstore and TUF libraries: those load only when a bundle is verified.

import { GITHUB_ACTIONS_ISSUER } from './attestation-policy.js';

/** The environment variable naming a Sigstore trusted_root.json that replaces the built-in roots. */
export const TRUSTED_ROOT_ENV = 'GITHUB_ASSETS_TRUSTED_ROOT';

/** The cache-only layer that keeps TUF metadata between builds. */
export const TUF_CACHE_LAYER = 'sigstore-tuf';

/** GitHub Actions' OIDC issuer on github.com, plus GHES's (`https://HOST/_services/token`). */
export function issuersFor(serverUrl: string | undefined): string[] {
  const issuers = [GITHUB_ACTIONS_ISSUER];
  if (serverUrl) {
    try {
      const url = new URL(serverUrl);
      if (url.hostname !== 'github.com') issuers.push(`${url.protocol}//${url.host}/_services/token`);
    } catch {
      // an invalid server URL is reported by the network settings
    }
  }
  return issuers;
}
