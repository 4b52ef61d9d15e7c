// Types for pki.mjs (plain JavaScript so the bench can share it).
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}
export declare function makePki(dir: string): TestPki;
