/**
 * A minimal Graph-API-shaped server for the client benchmark, run in its own process so the clients under test
 * have the benchmark process's core to themselves. GET answers an IG user object with usage headers; POST
 * reads the (form or JSON) body and answers a container id. Prints `port <n>` once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const getBody = JSON.stringify({ id: '17841400000000001', username: 'bench' });
const postBody = JSON.stringify({ id: '17900000000000001' });
const headers = {
  'content-type': 'application/json',
  'x-app-usage': '{"call_count":3,"total_time":1,"total_cputime":1}',
  'x-business-use-case-usage':
    '{"17841400000000001":[{"type":"instagram","call_count":2,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}',
};

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, headers);
    res.end(getBody);
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(postBody);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
