// TLS material for the demo cluster: a private CA and a serving certificate, generated once with
// @peculiar/x509 and kept in the data dir so kubeconfigs and trust stay valid across restarts.
import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type X509 = typeof x509;
let providerSet = false;
async function loadX509(): Promise<X509> {
  if (!providerSet) {
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    providerSet = true;
  }
  return x509;
}

export interface ClusterCerts {
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pemKey(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`;
}

async function generate(): Promise<ClusterCerts> {
  const x509 = await loadX509();
  const now = Date.now();
  const notBefore = new Date(now - 60 * 60 * 1000);
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=demo-cluster-ca,O=bound-token-dashboard',
    notBefore,
    notAfter: new Date(now + 10 * 365 * 24 * 3600 * 1000),
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(now + 2 * 365 * 24 * 3600 * 1000),
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes' },
        { type: 'dns', value: 'kubernetes.default' },
        { type: 'dns', value: 'kubernetes.default.svc' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  return {
    caPem: ca.toString('pem') + '\n',
    caKeyPem: pemKey(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)),
    certPem: cert.toString('pem') + '\n',
    keyPem: pemKey(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

/** Loads the CA and serving cert from dataDir, generating them on first start. */
export async function ensureCerts(dataDir: string): Promise<ClusterCerts> {
  mkdirSync(dataDir, { recursive: true });
  const files = { caPem: 'ca.crt', caKeyPem: 'ca.key', certPem: 'apiserver.crt', keyPem: 'apiserver.key' } as const;
  const paths = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dataDir, f)])) as Record<keyof ClusterCerts, string>;
  if (Object.values(paths).every((p) => existsSync(p))) {
    return {
      caPem: readFileSync(paths.caPem, 'utf8'),
      caKeyPem: readFileSync(paths.caKeyPem, 'utf8'),
      certPem: readFileSync(paths.certPem, 'utf8'),
      keyPem: readFileSync(paths.keyPem, 'utf8'),
    };
  }
  const c = await generate();
  for (const k of Object.keys(files) as (keyof ClusterCerts)[]) {
    writeFileSync(paths[k], c[k], { mode: k.endsWith('KeyPem') || k === 'keyPem' ? 0o600 : 0o644 });
  }
  return c;
}
