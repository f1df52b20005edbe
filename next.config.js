// Next.js configuration. client-node is loaded with Node's own resolution (not bundled), so its
// node-fetch/ws/openid-client dependencies behave as they do outside Next.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
  // The SSE routes stream; compression would buffer them.
  compress: false,
  typedRoutes: false,
};

export default nextConfig;
