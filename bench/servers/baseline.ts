// The baseline: a minimal Node HTTPS server that parses the same JSON and returns a fixed
// AdmissionReview: the very answer pullguard gives for the benchmark body (computed once by the
// runner), so both servers send the same bytes and the ratio measures only the work in between.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile, answerFile] = process.argv.slice(2);
const answer = JSON.parse(readFileSync(answerFile ?? '', 'utf8')) as { response: Record<string, unknown> };
const server = createServer(
  { cert: readFileSync(certFile ?? ''), key: readFileSync(keyFile ?? ''), minVersion: 'TLSv1.2' },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { request: { uid: string } };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...answer, response: { ...answer.response, uid: body.request.uid } }));
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
