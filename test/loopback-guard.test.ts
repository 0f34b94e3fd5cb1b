import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, takeViolations } from '../framework/testing/loopback-guard.js';

describe('loopback guard', () => {
  it('recognizes loopback hosts only', () => {
    for (const host of ['127.0.0.1', '127.8.0.3', '::1', '[::1]', 'localhost', undefined])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of [
      '10.0.0.1',
      '169.254.169.254',
      '192.168.1.1',
      'metadata.google.internal',
      '8.8.8.8',
      '::ffff:10.0.0.1',
    ])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses a non-loopback connection with an error', async () => {
    const error = await new Promise<Error>((resolve) => {
      net.connect({ host: '169.254.169.254', port: 80 }).on('error', resolve);
    });
    expect(error.message).toMatch(/Blocked a connection to 169\.254\.169\.254:80/);
    expect(takeViolations()).toHaveLength(1); // taken here so this test itself passes
  });

  it('lets loopback connections through', async () => {
    const server = net.createServer((s) => s.end('hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('data', (d) => resolve(d.toString()));
      s.on('error', reject);
    });
    server.close();
    expect(reply).toBe('hi');
  });

  it('fails a test that tries to leave the machine, even if the error was swallowed', () => {
    let output = '';
    let failed = false;
    try {
      execFileSync('npx', ['vitest', 'run', 'test/fixtures/network', '--reporter=verbose'], {
        encoding: 'utf8',
        stdio: 'pipe',
        env: { ...process.env, WHARF_RUN_FIXTURES: '1' },
      });
    } catch (err) {
      failed = true;
      output = String((err as { stdout?: string }).stdout) + String((err as { stderr?: string }).stderr);
    }
    expect(failed).toBe(true);
    expect(output).toMatch(/tried to leave the machine/);
  });
});
