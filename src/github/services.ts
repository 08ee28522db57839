// The one construction of the network layer for every command (bin/build, the CLI's check and
// pin, and any later command such as update): from the validated network settings, one Network,
// the GitHub client and the asset downloader bound to it. It makes no requests itself.

import { createGitHubClient, type GitHubClient } from './client.js';
import type { Logger } from '../log.js';
import { createNetwork, type Network } from '../net/agent.js';
import type { NetworkConfig } from '../net/config.js';
import { createAssetDownloader, type AssetDownloader } from '../net/downloader.js';
import type { Progress } from '../net/progress.js';

export interface NetworkServices {
  config: NetworkConfig;
  network: Network;
  /** Release lookups through the network's fetch (retries, caps, credentials by origin). */
  github: GitHubClient;
  /** Asset and checksums downloads through the network's dispatcher (mirror, web host, API URL). */
  download: AssetDownloader;
  /** Closes the pooled connections; call once when the command is done. */
  close(): Promise<void>;
}

export interface NetworkServicesOptions {
  userAgent: string;
  log?: Logger;
  /** Progress printer for long downloads, made from the settings (its interval is one). */
  progress?: (config: NetworkConfig) => Progress;
}

/** Builds everything that talks to the network from the settings (Settings.network: API URL, proxies, mirror, caps). */
export function createNetworkServices(config: NetworkConfig, options: NetworkServicesOptions): NetworkServices {
  const network = createNetwork(config, options.log ? { log: options.log } : {});
  const github = createGitHubClient({
    apiUrl: config.apiUrl,
    userAgent: options.userAgent,
    fetch: network.fetch,
    rateLimitMaxWaitMs: config.rateLimitMaxWaitMs,
    ...(options.log ? { log: options.log } : {}),
  });
  const download = createAssetDownloader(network, {
    userAgent: options.userAgent,
    ...(options.log ? { log: options.log } : {}),
    ...(options.progress ? { progress: options.progress(config) } : {}),
  });
  const close = () => {
    download.dropEarly();
    return network.close();
  };
  return { config, network, github, download, close };
}
