import { BlockList, isIP } from 'node:net';

/** Is `cidr` a CIDR block (`10.0.0.0/8`, `::1/128`)? Bare addresses are not, as in Vault's check. */
export function isCidr(cidr: string): boolean {
  const [address, bits, extra] = cidr.split('/');
  if (extra !== undefined || address === undefined || bits === undefined || !/^\d+$/.test(bits))
    return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** Does `address` (the socket's remote address) fall in any of `cidrs`? */
export function addressInCidrs(address: string, cidrs: string[]): boolean {
  const plain =
    address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    if (!isCidr(cidr)) {
      // Vault's ParseAddrs also takes single addresses for token_bound_cidrs.
      if (isIP(cidr) !== 0) list.addAddress(cidr, isIP(cidr) === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const [net, bits] = cidr.split('/') as [string, string];
    list.addSubnet(net, Number(bits), isIP(net) === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}
