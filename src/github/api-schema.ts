// The shape of GitHub's release answers, checked once at the edge with valibot: every field
// the build reads is typed, bounded and turned into the model's Release/ReleaseAsset here, so
// selection, verification and attestations never see raw JSON. No requests, no logging.

import * as v from 'valibot';
import type { Release, ReleaseAsset } from '../model.js';
import { apiAnswerMalformed } from '../errors/catalog.js';

/** Control characters never belong in a name, tag or URL we later print or use as a path. */
const printable = (max: number) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the schema refuses control characters in API answers
  v.pipe(v.string(), v.maxLength(max), v.regex(/^[^\u0000-\u001f\u007f]*$/, 'contains control characters'));
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const httpUrl = v.pipe(printable(8192), v.url(), v.regex(/^https?:\/\//i, 'is not an http(s) URL'));

export const ApiAssetSchema = v.object({
  id: count,
  name: v.pipe(printable(1024), v.minLength(1)),
  size: count,
  url: httpUrl,
  browser_download_url: v.optional(v.nullable(httpUrl)),
  content_type: v.optional(v.nullable(printable(255))),
  /** `sha256:<hex>` today; other algorithms are kept as text and ignored by verification. */
  digest: v.optional(v.nullable(v.pipe(printable(200), v.regex(/^[a-z0-9-]+:[0-9a-f]+$/i, 'is not "<algorithm>:<hex>"')))),
});

export const ApiReleaseSchema = v.object({
  id: count,
  tag_name: v.pipe(printable(1024), v.minLength(1)),
  name: v.optional(v.nullable(v.string())),
  draft: v.optional(v.boolean(), false),
  prerelease: v.optional(v.boolean(), false),
  published_at: v.optional(v.nullable(v.string())),
  assets: v.optional(v.pipe(v.array(ApiAssetSchema), v.maxLength(10_000)), []),
});

const ApiReleaseListSchema = v.pipe(v.array(ApiReleaseSchema), v.maxLength(1000));

/**
 * `GET /repos/{owner}/{repo}/attestations/{digest}`: the envelope is checked here; each bundle
 * stays raw data for verify/attestations.ts, which parses it with the Sigstore libraries.
 */
const ApiAttestationListSchema = v.object({
  attestations: v.pipe(
    v.array(v.object({ bundle: v.optional(v.unknown()), bundle_url: v.optional(v.nullable(printable(8192))) })),
    v.maxLength(1000),
  ),
});

export type ApiAsset = v.InferOutput<typeof ApiAssetSchema>;
export type ApiRelease = v.InferOutput<typeof ApiReleaseSchema>;

/** What a malformed answer was about, for the message: `release "v1" of acme/tool`. */
export interface AnswerContext {
  subject: string;
  entry?: string | undefined;
}

/** One release answer, type-checked, as the model's Release; GHA028 naming the field otherwise. */
export function parseRelease(data: unknown, ctx: AnswerContext): Release {
  return toRelease(check(ApiReleaseSchema, data, ctx));
}

/** One page of a release listing. */
export function parseReleaseList(data: unknown, ctx: AnswerContext): Release[] {
  return check(ApiReleaseListSchema, data, ctx).map(toRelease);
}

/** An attestation listing, type-checked: what is not an object with an `attestations` array is GHA028, never "no attestations". */
export function parseAttestationList(data: unknown, ctx: AnswerContext): { bundle?: unknown; bundle_url?: string | null | undefined }[] {
  return check(ApiAttestationListSchema, data, ctx).attestations;
}

function check<S extends v.GenericSchema>(schema: S, data: unknown, ctx: AnswerContext): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const problem =
    typeof data === 'string' || data instanceof ArrayBuffer || data === undefined || data === null
      ? 'the answer is not JSON'
      : result.issues.slice(0, 3).map(describeIssue).join('; ');
  throw apiAnswerMalformed({ entry: ctx.entry, subject: ctx.subject, problem });
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? '(the answer)';
  const got = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'an array' : typeof issue.input;
  return `${path} ${issue.message.replace(/^Invalid \w+: /, '')} (got ${got})`;
}

function toRelease(data: ApiRelease): Release {
  const release: Release = {
    id: data.id,
    tag: data.tag_name,
    draft: data.draft,
    prerelease: data.prerelease,
    assets: data.assets.map(toAsset),
  };
  if (data.name != null) release.name = data.name;
  if (data.published_at != null) release.publishedAt = data.published_at;
  return release;
}

function toAsset(a: ApiAsset): ReleaseAsset {
  const asset: ReleaseAsset = { id: a.id, name: a.name, size: a.size, url: a.url, browserDownloadUrl: a.browser_download_url ?? '' };
  if (a.content_type) asset.contentType = a.content_type;
  if (a.digest) asset.digest = a.digest;
  return asset;
}
