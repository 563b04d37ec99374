import type { S3FileStorageOptions } from './s3-file-storage.js';

/** Every NATTER_S3_* variable read: one set without NATTER_S3_BUCKET is a mistake to report, not to ignore. */
const S3_VARS = [
  'NATTER_S3_BUCKET', 'NATTER_S3_ENDPOINT', 'NATTER_S3_REGION', 'NATTER_S3_ACCESS_KEY_ID', 'NATTER_S3_SECRET_ACCESS_KEY',
  'NATTER_S3_FORCE_PATH_STYLE', 'NATTER_S3_READS', 'NATTER_S3_PREFIX', 'NATTER_S3_PRESIGN_SECONDS',
] as const;

/**
 * The S3 storage of `natter-server` from the environment, or undefined when no NATTER_S3_*
 * variable is set. Throws a TypeError naming the variable for a bucket missing, a half pair of
 * keys, an unknown read mode, or NATTER_UPLOAD_DIR given too.
 */
export function s3FromEnv(env: Record<string, string | undefined>): S3FileStorageOptions | undefined {
  const get = (name: (typeof S3_VARS)[number]) => env[name]?.trim() || undefined;
  const set = S3_VARS.filter((name) => get(name) !== undefined);
  if (set.length === 0) return undefined;
  const bucket = get('NATTER_S3_BUCKET');
  if (!bucket) throw new TypeError(`NATTER_S3_BUCKET is required with ${set.join(', ')}.`);
  if (env['NATTER_UPLOAD_DIR']) throw new TypeError('Give NATTER_S3_BUCKET or NATTER_UPLOAD_DIR, not both.');
  const accessKeyId = get('NATTER_S3_ACCESS_KEY_ID');
  const secretAccessKey = get('NATTER_S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new TypeError('Give NATTER_S3_ACCESS_KEY_ID and NATTER_S3_SECRET_ACCESS_KEY together (or neither, for the AWS SDK\'s own credentials).');
  const reads = get('NATTER_S3_READS');
  if (reads !== undefined && reads !== 'proxied' && reads !== 'presigned') throw new TypeError(`NATTER_S3_READS must be proxied or presigned, not "${reads}".`);
  const pathStyle = get('NATTER_S3_FORCE_PATH_STYLE');
  if (pathStyle !== undefined && !/^(1|true|yes|on|0|false|no|off)$/i.test(pathStyle)) throw new TypeError(`NATTER_S3_FORCE_PATH_STYLE must be 1 or 0, not "${pathStyle}".`);
  const seconds = get('NATTER_S3_PRESIGN_SECONDS');
  if (seconds !== undefined && !(/^\d+$/.test(seconds) && Number(seconds) > 0 && Number(seconds) <= 604_800)) {
    throw new TypeError(`NATTER_S3_PRESIGN_SECONDS must be a number of seconds from 1 to 604800, not "${seconds}".`);
  }
  const endpoint = get('NATTER_S3_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) throw new TypeError(`NATTER_S3_ENDPOINT must be an http(s):// URL, not "${endpoint}".`);
  const region = get('NATTER_S3_REGION');
  const prefix = get('NATTER_S3_PREFIX');
  return {
    bucket,
    ...(endpoint && { endpoint }),
    ...(region && { region }),
    ...(accessKeyId && secretAccessKey && { accessKeyId, secretAccessKey }),
    ...(pathStyle !== undefined && { forcePathStyle: /^(1|true|yes|on)$/i.test(pathStyle) }),
    ...(reads && { reads }),
    ...(prefix && { prefix }),
    ...(seconds && { presignSeconds: Number(seconds) }),
  };
}
