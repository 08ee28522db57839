// Test helper: a Network (shared dispatcher, retrying fetch) built from env-style settings,
// with a sleep that records the waits instead of sleeping, so retry tests stay fast and can
// assert the backoff and rate-limit waits. Test support only.

import { networkConfigFromEnv } from '../../src/net/config.js';
import { createNetwork, type Network } from '../../src/net/agent.js';
import type { Logger } from '../../src/log.js';

export interface TestNetwork extends Network {
  /** Every wait the retry policy asked for, in milliseconds. */
  waits: number[];
}

export function testNetwork(env: Record<string, string> = {}, log?: Logger): TestNetwork {
  const settings: Record<string, string> = {
    GITHUB_ASSETS_RETRY_DELAY: '100ms',
    GITHUB_ASSETS_HEADERS_TIMEOUT: '5s',
    GITHUB_ASSETS_BODY_TIMEOUT: '5s',
    ...env,
  };
  const config = networkConfigFromEnv((name) => settings[name]);
  const waits: number[] = [];
  const network = createNetwork(config, {
    ...(log ? { log } : {}),
    retry: {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
  return Object.assign(network, { waits });
}
