/**
 * Label value for the ASN of a provider whose ASNs the catalog does not list: one shared placeholder per
 * provider (its nodes most likely sit in the provider's own network), never a made-up number.
 */
export function unknownAsn(providerId: string): string {
  return `unknown-${providerId}`;
}
