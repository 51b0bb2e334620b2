// A loopback TCP proxy that adds a fixed round-trip time, for the probe-latency benchmark.
//
// Every chunk is forwarded half an RTT after it arrived, in order, in both directions. A user-space
// proxy cannot hold back the kernel's SYN-ACK, so the TCP handshake is modelled instead: a new
// connection's first client bytes are not forwarded before one RTT after the accept (as if the
// client had waited for the SYN-ACK). A connection that never sends data (a bare TCP probe) is
// therefore free here while it costs one RTT on a real network; the benchmark counts those apart.
//
// It also counts what the protocol needed: connections, which of them began with a TLS handshake
// record, and "turns" (the client speaking again after the server spoke), so that the floor can be
// computed from what was actually sent rather than assumed.
import { connect, createServer } from 'node:net';

const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * @param {{ targetPort: number, targetHost?: string, rttMs: number }} options
 */
export async function startDelayProxy({ targetPort, targetHost = '127.0.0.1', rttMs }) {
  const half = rttMs / 2;
  /** @type {{ tls: boolean, turns: number, clientBytes: number, serverBytes: number }[]} */
  let connections = [];
  const sockets = new Set();

  const server = createServer((client) => {
    const acceptedAt = Date.now();
    const record = { tls: false, turns: 0, clientBytes: 0, serverBytes: 0 };
    connections.push(record);
    const upstream = connect({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    let lastSpeaker = 'server';
    const connectedAt = acceptedAt + rttMs; // the modelled SYN / SYN-ACK
    let clientDue = 0;
    let serverDue = 0;
    const later = (due, work) => setTimeout(work, Math.max(0, due - Date.now()));
    // Due times only grow, so chunks leave in the order they came.
    const forwardClient = (work) => {
      clientDue = Math.max(clientDue, Math.max(Date.now(), connectedAt) + half);
      later(clientDue, work);
    };
    const forwardServer = (work) => {
      serverDue = Math.max(serverDue, Date.now() + half);
      later(serverDue, work);
    };
    client.on('data', (chunk) => {
      if (record.clientBytes === 0 && chunk[0] === TLS_HANDSHAKE_RECORD) record.tls = true;
      record.clientBytes += chunk.length;
      if (lastSpeaker === 'server') record.turns++;
      lastSpeaker = 'client';
      forwardClient(() => { if (!upstream.destroyed) upstream.write(chunk); });
    });
    upstream.on('data', (chunk) => {
      record.serverBytes += chunk.length;
      lastSpeaker = 'server';
      forwardServer(() => { if (!client.destroyed) client.write(chunk); });
    });
    client.on('end', () => forwardClient(() => upstream.end()));
    upstream.on('end', () => forwardServer(() => client.end()));
    const destroyBoth = () => { client.destroy(); upstream.destroy(); };
    client.on('error', destroyBoth);
    upstream.on('error', destroyBoth);
    client.on('close', () => { sockets.delete(client); forwardClient(() => upstream.destroy()); });
    upstream.on('close', () => { sockets.delete(upstream); forwardServer(() => client.destroy()); });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;

  return {
    port,
    rttMs,
    /** What went through since the last reset: per-connection records and their totals. */
    stats() {
      const tlsConnections = connections.filter((c) => c.tls);
      const withData = connections.filter((c) => c.clientBytes > 0);
      // On a TLS 1.3 connection the first client turn is the handshake; every later one is a request.
      const requestTurns = tlsConnections.reduce((sum, c) => sum + Math.max(0, c.turns - 1), 0)
        + withData.filter((c) => !c.tls).reduce((sum, c) => sum + c.turns, 0);
      return {
        tcpConnections: connections.length,
        tlsHandshakes: tlsConnections.length,
        connectionsWithoutData: connections.length - withData.length,
        requestTurns,
        connections: connections.map((c) => ({ ...c })),
      };
    },
    reset() { connections = []; },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
