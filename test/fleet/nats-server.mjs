// Starts Debian's nats-server for tests and the fleet bench: JetStream on, bound to 127.0.0.1 on a
// free port, its own store directory; restartable on the same port and store (to test crashes);
// optionally one node of a loopback cluster. Plain JavaScript so bench/fleet.mjs can use it too.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of nats-server, or null when it is not installed. */
export function findNatsServer() {
  const r = spawnSync('sh', ['-c', 'command -v nats-server || ls /usr/sbin/nats-server'], { encoding: 'utf8' });
  const path = r.stdout.trim().split('\n')[0];
  return r.status === 0 && path ? path : null;
}

export const NO_SERVER_MESSAGE =
  'nats-server is not installed (apt-get install nats-server; .ci/run does it): fleet tests against a real server skipped';

/** A free TCP port on 127.0.0.1 (the kernel picks; closed again before the server binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One nats-server process. `cluster`: { name, port, routes: [ports] } for a JetStream cluster node.
 * start() resolves once the server logs that it is ready (and, in a cluster, that JetStream is up).
 */
export class NatsServer {
  /** `config`: nats-server configuration text (users, permissions, TLS), written beside the store; `env`: variables it names. */
  constructor({
    bin = findNatsServer(),
    port,
    storeDir,
    serverName = 'n1',
    cluster = null,
    config = null,
    env = {},
  } = {}) {
    if (!bin) throw new Error(NO_SERVER_MESSAGE);
    this.bin = bin;
    this.port = port;
    this.ownsStore = !storeDir;
    this.storeDir = storeDir ?? mkdtempSync(join(tmpdir(), 'vr-nats-'));
    this.serverName = serverName;
    this.cluster = cluster;
    this.config = config;
    this.env = env;
    this.proc = null;
    this.output = '';
  }

  static async start(opts = {}) {
    const server = new NatsServer({ ...opts, port: opts.port ?? (await freePort()) });
    await server.start();
    return server;
  }

  get url() {
    return `nats://127.0.0.1:${this.port}`;
  }

  args() {
    const a = ['-a', '127.0.0.1', '-p', String(this.port), '-n', this.serverName];
    // A configuration with its own jetstream block gets the store directory written into it.
    const ownJetStream = this.config !== null && /^jetstream\s*\{/m.test(this.config);
    if (!ownJetStream) a.push('-js', '-sd', this.storeDir);
    if (this.config !== null) {
      const file = join(this.storeDir, 'server.conf');
      const text = ownJetStream
        ? this.config.replace(/store_dir:\s*"[^"]*"/, `store_dir: ${JSON.stringify(this.storeDir)}`)
        : this.config;
      mkdirSync(this.storeDir, { recursive: true });
      writeFileSync(file, text);
      a.push('-c', file);
    }
    if (this.cluster) {
      const { name, port, routes } = this.cluster;
      a.push('--cluster_name', name, '--cluster', `nats://127.0.0.1:${port}`);
      a.push('--routes', routes.map((p) => `nats://127.0.0.1:${p}`).join(','));
    }
    return a;
  }

  async start(timeoutMs = 15000) {
    if (this.proc) throw new Error('already running');
    const proc = spawn(this.bin, this.args(), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.env },
    });
    this.proc = proc;
    this.output = '';
    const ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`nats-server on port ${this.port} not ready after ${timeoutMs} ms:\n${this.output.slice(-2000)}`),
          ),
        timeoutMs,
      );
      const onData = (chunk) => {
        this.output += chunk.toString();
        if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
        if (/Server is ready/.test(this.output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited (${code ?? signal}) before it was ready:\n${this.output.slice(-2000)}`));
      });
    });
    this.exited = new Promise((resolve) => proc.once('exit', resolve));
    await ready;
  }

  /** SIGKILL (a crash) and wait until the process is gone. */
  async kill(signal = 'SIGKILL') {
    if (!this.proc) return;
    const proc = this.proc;
    this.proc = null;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await this.exited;
  }

  async restart() {
    await this.kill();
    await this.start();
  }

  /** Stop and remove the store directory (when this object created it). */
  async stop() {
    await this.kill('SIGTERM');
    if (this.ownsStore) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Three (or n) JetStream nodes on loopback, routed to each other. */
export async function startCluster(n = 3) {
  const clientPorts = [];
  const routePorts = [];
  for (let i = 0; i < n; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const nodes = clientPorts.map(
    (port, i) =>
      new NatsServer({
        port,
        serverName: `n${i + 1}`,
        cluster: { name: 'vr-test', port: routePorts[i], routes: routePorts.filter((_, j) => j !== i) },
      }),
  );
  await Promise.all(nodes.map((s) => s.start(30000)));
  return nodes;
}
