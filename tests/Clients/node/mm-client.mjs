// A Node client of mmd: lists the instances and reads a few watch messages over the daemon's Unix socket.
//   npm ci --prefix tests/Clients/node && node tests/Clients/node/mm-client.mjs daemon/state/mmd.sock 3
// Prints one JSON object per line: {"instance": ...} for each instance, then {"watch": ...} for each message.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [socketArg, countArg] = process.argv.slice(2);
if (!socketArg || !countArg) {
  console.error('usage: mm-client.mjs SOCKET WATCH_COUNT');
  process.exit(2);
}
const watchCount = Number.parseInt(countArg, 10);
const protos = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../protos');
const definition = protoLoader.loadSync(['mm/v1/instance_service.proto', 'mm/v1/stats_service.proto'], {
  includeDirs: [protos], longs: String, enums: String, defaults: false, oneofs: true,
});
const mm = grpc.loadPackageDefinition(definition).mm.v1;
const target = `unix://${path.resolve(socketArg)}`;
const credentials = grpc.credentials.createInsecure();
const deadline = () => new Date(Date.now() + 60_000);

const instances = new mm.InstanceService(target, credentials);
const listed = await new Promise((resolve, reject) =>
  instances.ListInstances({}, { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res))));
for (const instance of listed.instances) console.log(JSON.stringify({ instance }));
instances.close();

const stats = new mm.StatsService(target, credentials);
const stream = stats.Watch({}, { deadline: deadline() });
let received = 0;
await new Promise((resolve, reject) => {
  stream.on('data', (event) => {
    console.log(JSON.stringify({ watch: event }));
    if (++received >= watchCount) { stream.cancel(); resolve(); }
  });
  stream.on('error', (err) => (err.code === grpc.status.CANCELLED && received >= watchCount ? resolve() : reject(err)));
  stream.on('end', resolve);
});
stats.close();
if (received < watchCount) {
  console.error(`the watch ended after ${received} of ${watchCount} messages`);
  process.exit(1);
}
