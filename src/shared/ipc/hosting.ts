import { z } from 'zod';
import { channel, noPayload } from './define';

/**
 * Media hosting as the Settings view shows it: where the creator's bucket is, and whether its
 * keys are stored. Never carries the access key id or the secret (they stay in the keychain).
 */
export interface HostingStatus {
  /** True once a bucket and both keys are saved: Instagram, Threads and TikTok photos can publish. */
  configured: boolean;
  /** The S3 API address; '' for AWS S3 itself. */
  endpoint: string;
  region: string;
  bucket: string;
  /** Outbox writes, links and deletes only under this prefix (ends with '/'). */
  prefix: string;
  /** The bucket goes in the path (MinIO and most self-hosted stores) instead of the host name. */
  pathStyle: boolean;
  /** Whether an access key id is stored in the keychain (never the key itself). */
  accessKeyIdSet: boolean;
  /** Whether a secret access key is stored in the keychain. */
  secretSet: boolean;
  /** The last clean-up of objects a crash left behind (older than a day under the prefix), or null. */
  lastSweep: { at: string; removed: number; error: string | null } | null;
  /** Why the keys cannot be read (no keychain), or null. */
  error: string | null;
}

/** Which step of the Test button failed. */
export type HostingTestStep = 'endpoint' | 'credentials' | 'bucket' | 'upload' | 'presigned' | 'delete';

/** What the Test button says: all good, or the step that failed and why, in words. */
export type HostingTestResult = { ok: true; message: string } | { ok: false; step: HostingTestStep; message: string };

const text = (max: number) => z.string().max(max);

/**
 * A bucket as the form gives it. The keys may be left empty to keep the stored ones (the form
 * never shows them back); `hosting:update` checks every field and names the one that is wrong.
 */
export const hostingInput = z.strictObject({
  endpoint: text(2048).default(''),
  region: text(100),
  bucket: text(255),
  prefix: text(512).default('outbox/'),
  pathStyle: z.boolean().default(false),
  /** Empty or left out: keep the stored one. */
  accessKeyId: text(512).optional(),
  /** Empty or left out: keep the stored one. */
  secretAccessKey: text(512).optional(),
});
/** The media hosting form's values. */
export type HostingInput = z.input<typeof hostingInput>;

/** Media hosting channels (Settings -> Media hosting). */
export const hostingChannels = {
  'hosting:get': channel(noPayload).returns<HostingStatus>(),
  /** Saves the bucket (keys into the keychain); a wrong field is a `validation` error naming it and changes nothing. */
  'hosting:update': channel(hostingInput).returns<HostingStatus>(),
  /**
   * Uploads, fetches through a presigned link and deletes a probe object; says which step failed.
   * With a payload it tests the form's values before they are saved (empty keys: the stored ones).
   */
  'hosting:test': channel(z.union([z.undefined(), hostingInput])).returns<HostingTestResult>(),
  /** Forgets the bucket and deletes both keys from the keychain. */
  'hosting:clear': channel(noPayload).returns<HostingStatus>(),
};
