import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer } from '../../../test/support/s3-server.js';
import { normalizePrefix, S3Layout } from './layout.js';

let server: S3TestServer;

beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket('bkt');
  for (const day of ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05']) {
    for (const part of ['a', 'b', 'c']) await server.put('bkt', `p/metrics/${day}/${part}.parquet`, 'x');
  }
  await server.put('bkt', 'p/metrics/2024-01-02/nested/d.PARQUET', 'x');
  await server.put('bkt', 'p/metrics/2024-01-02/_SUCCESS', '');
  await server.put('bkt', 'p/metrics/2024-01-02/empty.parquet', '');
  await server.put('bkt', 'p/metrics/not-a-day/e.parquet', 'x');
  await server.put('bkt', 'p/metrics/2024-02-30/e.parquet', 'x');
});

afterAll(async () => {
  await server?.stop();
});

describe('S3 layout listings', () => {
  it('follows continuation tokens across pages for day folders and files', async () => {
    const layout = new S3Layout(server.client, 'bkt', '/p/', 2);
    expect(await layout.days('metrics')).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05']);
    const files = await layout.dayFiles('metrics', '2024-01-02');
    expect(files.map((f) => f.key)).toEqual([
      'p/metrics/2024-01-02/a.parquet',
      'p/metrics/2024-01-02/b.parquet',
      'p/metrics/2024-01-02/c.parquet',
      'p/metrics/2024-01-02/nested/d.PARQUET',
    ]);
    expect(await layout.dayHasFiles('metrics', '2024-01-04')).toBe(false);
    expect(await layout.dayHasFiles('metrics', '2024-01-05')).toBe(true);
  });

  it('normalizes prefixes', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('/')).toBe('');
    expect(normalizePrefix('a/b')).toBe('a/b/');
    expect(normalizePrefix('/a/b//')).toBe('a/b/');
  });
});
