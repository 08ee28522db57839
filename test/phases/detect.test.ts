import { describe, expect, it } from 'vitest';
import TOML from '@iarna/toml';
import { runDetect } from '../support/cnb.js';
import { workspacePerTest } from '../support/e2e.js';

const ws = workspacePerTest();

const ENTRY = `[[metadata.githubassets]]\nrepo = "grpc-ecosystem/grpc-health-probe"\nasset = "grpc_health_probe-linux-amd64"\ndestination = "bin/grpc_health_probe"\n`;

describe('bin/detect', () => {
  it('passes and writes a plan that provides and requires github-assets', async () => {
    ws.writeApp({ 'project.toml': ENTRY });
    const result = await runDetect(ws);
    expect(result.code).toBe(0);
    expect(result.output).toBe('');
    const plan = TOML.parse(result.plan) as { provides: { name: string }[]; requires: { name: string; metadata: { repos: string[] } }[] };
    expect(plan.provides).toEqual([{ name: 'github-assets' }]);
    expect(plan.requires[0]!.name).toBe('github-assets');
    expect(plan.requires[0]!.metadata.repos).toEqual(['grpc-ecosystem/grpc-health-probe']);
  });

  it('passes for schema v0.2 descriptors', async () => {
    ws.writeApp({ 'project.toml': `[_]\nschema-version = "0.2"\n[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n` });
    expect((await runDetect(ws)).code).toBe(0);
  });

  it('fails quietly (100) without project.toml', async () => {
    const result = await runDetect(ws);
    expect(result.code).toBe(100);
    expect(result.output).toBe('');
    expect(result.plan).toBe('');
  });

  it('fails quietly (100) when project.toml has no githubassets entries', async () => {
    ws.writeApp({ 'project.toml': '[project]\nid = "app"\n[[build.env]]\nname = "X"\nvalue = "y"\n' });
    const result = await runDetect(ws);
    expect(result.code).toBe(100);
    expect(result.output).toBe('');
  });

  it('answers 100 without starting the runtime when there is nothing to do', async () => {
    // PATH without any node: the shell fast path must not need one.
    ws.writeApp({ 'project.toml': '[project]\nid = "app"\n' });
    const result = await runDetect(ws, { PATH: '/nonexistent' });
    expect(result.code).toBe(100);
  });

  it('errors (1) with a clear message on broken TOML', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "a/b\n' });
    const result = await runDetect(ws);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERROR [GHA002] project.toml is not valid TOML at line 2');
    expect(result.stderr).not.toMatch(/\bat .*\.cjs:\d+/); // no stack trace without debug
  });

  it('errors (1) naming the entry on an invalid entry', async () => {
    ws.writeApp({ 'project.toml': `${ENTRY}[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "t"\ndestinaton = "bin"\n` });
    const result = await runDetect(ws);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERROR [GHA004] githubassets[2] (acme/tool): unknown key "destinaton"');
    expect(result.stderr).toContain('did you mean "destination"?');
  });

  it('reads the descriptor named by GITHUB_ASSETS_PATH, relative to the app dir', async () => {
    ws.writeApp({ 'deploy/assets.toml': ENTRY });
    expect((await runDetect(ws)).code).toBe(100);
    expect((await runDetect(ws, { GITHUB_ASSETS_PATH: 'deploy/assets.toml' })).code).toBe(0);
  });

  it('reads GITHUB_ASSETS_PATH from the platform env dir too', async () => {
    ws.writeApp({ 'deploy/assets.toml': ENTRY });
    ws.setPlatformEnv('GITHUB_ASSETS_PATH', 'deploy/assets.toml');
    expect((await runDetect(ws)).code).toBe(0);
  });

  it('shows a stack trace only with BP_LOG_LEVEL=DEBUG', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = 1\n' });
    const result = await runDetect(ws, { BP_LOG_LEVEL: 'DEBUG' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/BuildpackError: repo must be a non-empty string/);
    expect(result.stderr).toMatch(/lib\/detect\.cjs:\d+/);
  });

  it('keeps a hostile value escaped in the debug stack trace too', async () => {
    ws.writeApp({
      'project.toml': '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = 1\n"x\\nERROR [GHA000] forged\\u001b[2J" = 1\n',
    });
    const result = await runDetect(ws, { BP_LOG_LEVEL: 'DEBUG' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERROR [GHA004] githubassets[1] (acme/tool): unknown key "x\\nERROR [GHA000] forged\\x1b[2J"');
    expect(result.stderr).toMatch(/BuildpackError: unknown key "x\\nERROR \[GHA000\] forged\\x1b\[2J"/);
    // No line of the output starts with the forged text, and no raw escape reaches the terminal.
    expect(result.stderr.split('\n').filter((line) => line.startsWith('ERROR [GHA000]'))).toEqual([]);
    expect(result.stderr).not.toContain('\u001b');
  });

  it('refuses a repo with a ".." segment in detect, before the build makes any request', async () => {
    ws.writeApp({ 'project.toml': '[[metadata.githubassets]]\nrepo = "acme/.."\nasset = "x"\n' });
    const result = await runDetect(ws);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'ERROR [GHA003] githubassets[1] (acme/..): repo = "acme/.." is not of the form "owner/name": ".." is a path segment, not a name',
    );
    expect(result.plan).toBe('');
  });
});
