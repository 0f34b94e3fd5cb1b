/**
 * The bucket layout Wharf reads (the seeds' S3 format): under the source's prefix, one
 * top-level folder per dataset (`events/`, `metrics/`, `signals/`), each holding one
 * `YYYY-MM-DD/` folder per day of parquet files. This module turns that layout into keys and
 * lists what is there; it never downloads object bodies.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { IsoDate } from '../../config/types.js';
import { isIsoDate } from '../../util/time.js';
import { compareText } from '../../util/text-order.js';

/** The top-level folders of the layout. */
export type S3Folder = 'events' | 'metrics' | 'signals';

/** One parquet object of a folder. */
export interface ParquetObject {
  key: string;
  size: number;
  /** The object's ETag, when the store reports one: a changed object has another. */
  etag?: string;
}

/** Where a source's folders live in its bucket. */
export class S3Layout {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    prefix: string | undefined,
    /** Keys per listing page; S3's default (1000) unless a smaller page is asked for. */
    private readonly pageSize?: number,
  ) {
    this.prefix = normalizePrefix(prefix);
  }

  readonly prefix: string;

  /** `prefix/folder/`, the key prefix of a dataset folder. */
  folderKey(folder: S3Folder): string {
    return `${this.prefix}${folder}/`;
  }

  /** `prefix/folder/YYYY-MM-DD/`, the key prefix of one day. */
  dayKey(folder: S3Folder, day: IsoDate): string {
    return `${this.folderKey(folder)}${day}/`;
  }

  /** The parquet files of one day (nested folders included), sorted by key. */
  async dayFiles(folder: S3Folder, day: IsoDate): Promise<ParquetObject[]> {
    return this.parquetUnder(this.dayKey(folder, day));
  }

  /** Every parquet file under a folder, at any depth. */
  async parquetUnder(keyPrefix: string): Promise<ParquetObject[]> {
    const out: ParquetObject[] = [];
    for await (const page of this.pages(keyPrefix)) {
      for (const object of page.Contents ?? []) {
        if (object.Key && isParquetKey(object.Key) && (object.Size ?? 0) > 0)
          out.push({ key: object.Key, size: object.Size ?? 0, etag: object.ETag });
      }
    }
    return out.sort((a, b) => compareText(a.key, b.key));
  }

  /** Whether the day's folder holds at least one parquet file (one listing page at most). */
  async dayHasFiles(folder: S3Folder, day: IsoDate): Promise<boolean> {
    for await (const page of this.pages(this.dayKey(folder, day))) {
      if ((page.Contents ?? []).some((o) => o.Key && isParquetKey(o.Key) && (o.Size ?? 0) > 0)) return true;
    }
    return false;
  }

  /** The `YYYY-MM-DD` day folders of a dataset folder, ascending; other names are ignored. */
  async days(folder: S3Folder): Promise<IsoDate[]> {
    const days: IsoDate[] = [];
    for await (const page of this.pages(this.folderKey(folder), '/')) {
      for (const common of page.CommonPrefixes ?? []) {
        const name = (common.Prefix ?? '').slice(this.folderKey(folder).length).replace(/\/$/, '');
        if (isIsoDate(name)) days.push(name);
      }
    }
    return days.sort();
  }

  private async *pages(keyPrefix: string, delimiter?: string) {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: keyPrefix,
          Delimiter: delimiter,
          ContinuationToken: token,
          MaxKeys: this.pageSize,
        }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** `a/b`, `/a/b/`, `a/b/` → `a/b/`; empty or missing → ''. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

export function isParquetKey(key: string): boolean {
  return key.toLowerCase().endsWith('.parquet');
}
