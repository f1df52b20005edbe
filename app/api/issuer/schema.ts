// The body of the issuer change routes (dry run and apply), validated with zod before any cluster call.
import { z } from 'zod';

/** The API accepts any string; 2048 bytes is far beyond any issuer URL and bounds the request. */
export const IssuerValue = z.string().max(2048);
/** resourceVersion is opaque to clients, but always a short token of printable characters. */
export const ResourceVersion = z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'must be a resourceVersion');

export const DryRunBody = z.object({ issuer: IssuerValue, resourceVersion: ResourceVersion }).strict();
export const ApplyBody = z.object({ issuer: IssuerValue, resourceVersion: ResourceVersion, confirmation: z.string().max(2048) }).strict();
