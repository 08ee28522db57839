// The seed project.toml: the three-asset configuration the buildpack was first written for
// (a public tarball, a private token-gated binary, a plain binary). Shared by unit and e2e tests;
// it holds text only and never starts servers or writes files.

/** The seed project.toml with `token` as the value of APITEST_TOOLCHAIN_TOKEN in [[build.env]]. */
export function seedProjectToml(token: string): string {
  return `
[[build.env]]
name = "APITEST_TOOLCHAIN_TOKEN"
value = "${token}"

[[metadata.githubassets]]
repo = "kkdai/youtube"
asset = "youtubedr_2.7.0_linux_arm64.tar.gz"
destination = "bin"

[[metadata.githubassets]]
repo = "qeek-dev/apitest-toolchain"
token_env = "APITEST_TOOLCHAIN_TOKEN"
asset = "apitest-toolchain-linux-amd64"
destination = "bin/apitest-toolchain"
tag = "v0.1.0"

[[metadata.githubassets]]
repo = "grpc-ecosystem/grpc-health-probe"
asset = "grpc_health_probe-linux-amd64"
destination = "bin/grpc_health_probe"
`;
}

/** The seed exactly as users write it, with a placeholder where the token goes. */
export const SEED_PROJECT_TOML = seedProjectToml('<github-token>');
