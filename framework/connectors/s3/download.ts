/**
 * Downloads parquet objects to a private temp folder so DuckDB can read them as local files
 * (DuckDB is never given s3:// paths: that would need its httpfs extension, which Wharf never
 * installs). Bodies are streamed to disk, never held in memory; before downloading, the free
 * space of the temp folder is checked against the objects' sizes; and the folder is removed by
 * `dispose()`, which callers run in `finally`, so temp files do not outlive an error.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { WharfError } from '../../diagnostics/errors.js';
import type { ParquetObject } from './layout.js';

/** Local copies of a set of objects, removed together. */
export interface DownloadedFiles {
  /** Absolute local paths, in the order of the objects. */
  paths: string[];
  dispose(): Promise<void>;
}

/** Space left free on the temp volume after a download, so Wharf never fills the disk. */
const DISK_HEADROOM_BYTES = 256 * 1024 * 1024;

/** Streams the objects to a new temp folder; on any failure the folder is removed before rethrowing. */
export async function downloadObjects(
  client: S3Client,
  bucket: string,
  objects: readonly ParquetObject[],
  signal?: AbortSignal,
): Promise<DownloadedFiles> {
  const folder = await mkdtemp(join(tmpdir(), 'wharf-s3-'));
  const dispose = () => rm(folder, { recursive: true, force: true });
  try {
    await ensureDiskSpace(folder, objects);
    const paths: string[] = [];
    for (const [index, object] of objects.entries()) {
      signal?.throwIfAborted();
      const path = join(folder, `${String(index).padStart(6, '0')}.parquet`);
      await downloadOne(client, { bucket, key: object.key }, path, signal);
      paths.push(path);
    }
    return { paths, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function downloadOne(
  client: S3Client,
  { bucket, key }: { bucket: string; key: string },
  path: string,
  signal?: AbortSignal,
): Promise<void> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  const body = response.Body;
  if (!(body instanceof Readable)) {
    throw new WharfError(`GetObject for s3://${bucket}/${key} returned no readable body.`, {
      code: 's3.no-body',
      errorClass: 'connection',
      transient: true,
    });
  }
  await pipeline(body, createWriteStream(path), { signal });
}

async function ensureDiskSpace(folder: string, objects: readonly ParquetObject[]): Promise<void> {
  const needed = objects.reduce((sum, o) => sum + o.size, 0);
  const stats = await statfs(folder);
  const free = stats.bavail * stats.bsize;
  if (needed + DISK_HEADROOM_BYTES > free) {
    throw new WharfError(
      `Not enough disk space to read ${objects.length} parquet file(s) (${formatBytes(needed)}) from S3: ${formatBytes(free)} free in the temp folder.`,
      {
        code: 's3.disk-space',
        errorClass: 'connection',
        transient: true,
        hint: `Free space, or point TMPDIR at a larger volume. Wharf needs one day's files plus ${formatBytes(DISK_HEADROOM_BYTES)} of headroom at a time per running load.`,
      },
    );
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
