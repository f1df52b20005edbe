// For the launcher: mints the one-time sign-in link it prints (valid 10 minutes, single use, signs
// in as the kubeconfig's identity). It shares the session key file under the data dir with the
// Next server, so the launcher must pass the same BTD_DATA_DIR (or SESSION_SECRET) to it.
import { mintSignInLinkWith } from '../../lib/auth/link-token';

export async function mintSignInLink(baseUrl: string, dataDir: string): Promise<string> {
  return mintSignInLinkWith(baseUrl, dataDir);
}
