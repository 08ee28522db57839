// Types for scripts/probe.mjs (plain JS so it runs before anything is compiled).
export declare const PROBE_VERSION: string;
export declare function probePath(arch: 'amd64' | 'arm64', version?: string): string;
/** Builds grpc_health_probe from its Go module unless cached; returns the binary's path. */
export declare function ensureProbe(arch?: 'amd64' | 'arm64', version?: string): string;
