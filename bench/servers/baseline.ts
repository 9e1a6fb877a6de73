// The baseline: a minimal Node HTTPS server that parses the same JSON and returns a fixed
// AdmissionReview. pullguard's throughput and latency are reported as ratios against it.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile] = process.argv.slice(2);
const server = createServer(
  { cert: readFileSync(certFile ?? ''), key: readFileSync(keyFile ?? ''), minVersion: 'TLSv1.2' },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string } };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: body.request.uid, allowed: true },
        }),
      );
    });
  },
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});

// Exit cleanly so profilers (--cpu-prof) can write their output.
process.on('SIGINT', () => process.exit(0));
