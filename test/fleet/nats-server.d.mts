// Types for nats-server.mjs (plain JavaScript so the bench can share it).
export declare function findNatsServer(): string | null;
export declare const NO_SERVER_MESSAGE: string;
export declare function freePort(): Promise<number>;
export interface ClusterRole {
  name: string;
  port: number;
  routes: number[];
}
export declare class NatsServer {
  constructor(opts?: {
    bin?: string | null;
    port?: number;
    storeDir?: string;
    serverName?: string;
    cluster?: ClusterRole | null;
    config?: string | null;
    env?: Record<string, string>;
  });
  static start(opts?: {
    port?: number;
    storeDir?: string;
    serverName?: string;
    config?: string | null;
    env?: Record<string, string>;
  }): Promise<NatsServer>;
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  output: string;
  proc: import('node:child_process').ChildProcess | null;
  start(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}
export declare function startCluster(n?: number): Promise<NatsServer[]>;
