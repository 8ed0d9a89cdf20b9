// SPDX-License-Identifier: MIT
// Serves / and /health; on SIGTERM (forwarded by berth) stops accepting and ends when idle.
const http = require('http');

const server = http.createServer((req, res) => {
  res.end(req.url === '/health' ? 'ok\n' : 'hello from behind berth\n');
});
server.listen(3000);

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
