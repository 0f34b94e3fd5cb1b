// Runs an s3rver S3-compatible server on 127.0.0.1 in its own process. s3rver encrypts its
// listing continuation tokens with DES, which Node 20's OpenSSL 3 only offers with
// --openssl-legacy-provider; test/support/s3-server.ts starts this file with that flag.
// Prints the bound port as a JSON line on stdout, stops on SIGTERM or when stdin closes.
const S3rver = require('s3rver');

const directory = process.argv[2];
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
server.run().then((address) => {
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
