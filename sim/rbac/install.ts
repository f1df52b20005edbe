// Installs RBAC in the demo cluster: the default roles and bindings, then the RBAC authorizer in
// place of the server's interim one, so every request, SelfSubjectAccessReview and `kubectl auth
// can-i` answer from the same ClusterRoles and bindings.
import type { DemoCluster } from '../index';
import { RbacAuthorizer, seedRbac } from './authorizer';

export function installRbac(c: DemoCluster): void {
  seedRbac(c.store);
  c.server.setAuthorizer(new RbacAuthorizer(c.store));
}
