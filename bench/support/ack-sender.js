// The ack load of bench:acks, in its own process so that it does not share the load
// generator's event loop: ACK_RATE acks a second (a tick every 10 ms) over keep-alive HTTP to
// POST /api/v1/devices/ack, each naming a device and position not acked before. Prints
// `sent <n> refused <m>` (cumulative) every 100 ms.
const http = require('node:http');

const [url, key, positionsText, devicesText, rateText] = process.argv.slice(2);
const positions = positionsText.split(',');
const devices = Number(devicesText);
const perTick = Number(rateText) / 100;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const target = new URL('/api/v1/devices/ack', url);
let next = 0;
let sent = 0;
let refused = 0;
let owed = 0;

function send(index) {
  const position = positions[Math.floor(index / devices) % positions.length];
  const body = JSON.stringify({ deviceId: `device-${index % devices}`, position, receivedAt: new Date().toISOString(), transport: 'sse' });
  const request = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-org-key': key } }, (response) => {
    if (response.statusCode !== 200) refused++;
    response.resume();
  });
  request.on('error', () => refused++);
  request.end(body);
  sent++;
}

setInterval(() => {
  for (owed += perTick; owed >= 1; owed--) send(next++);
}, 10);
setInterval(() => process.stdout.write(`sent ${sent} refused ${refused}\n`), 100);
process.on('SIGTERM', () => process.exit(0));
