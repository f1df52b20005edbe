// The dashboard's areas. `ready: false` ones render as disabled "soon" items until their page exists.
export interface NavItem {
  href: string;
  label: string;
  ready: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { href: '/', label: 'Overview', ready: true },
  { href: '/tokens', label: 'Tokens', ready: true },
  { href: '/issuer', label: 'Issuer', ready: true },
  { href: '/rollout', label: 'Rollout', ready: true },
  { href: '/restart', label: 'Restart', ready: true },
  { href: '/projected', label: 'Projected volumes', ready: true },
];
