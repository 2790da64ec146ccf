// Where txmsg may send check-backs and pushes. Producers and consumers live on private networks,
// so those are allowed; what is denied by default is the link-local range, where cloud metadata
// services answer (169.254.169.254 and friends), and addresses that are never a real peer. The
// rule is checked when a URL is configured and again at every connection, after DNS resolution,
// so a name that later resolves somewhere denied is refused too.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { ApiError } from '../errors/api-error';

export const DEFAULT_OUTBOUND_DENY = [
  '169.254.0.0/16', // IPv4 link-local, incl. the AWS/GCP/Azure metadata address 169.254.169.254
  'fe80::/10', // IPv6 link-local
  'fd00:ec2::254/128', // AWS metadata over IPv6
  '100.100.100.200/32', // Alibaba Cloud metadata
  '0.0.0.0/8', // "this network": connects to the local host on some systems
  '::/128',
  '224.0.0.0/4', // multicast
  'ff00::/8',
  '255.255.255.255/32',
];

export class OutboundDenied extends Error {}

const LITERAL_CACHE_MAX = 10_000;

/** `10.0.0.0/8`, `fe80::/10` or a single address. */
export function isIpRange(text: string): boolean {
  const [address, bits, ...rest] = text.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export class OutboundPolicy {
  private readonly denied = new BlockList();
  private readonly literalRefusals = new Map<string, string | null>();
  /** The connection pool every outbound request goes through; it resolves names through the policy. */
  readonly dispatcher: Dispatcher;

  /** `cidrs`: addresses or ranges (`10.0.0.0/8`, `fe80::/10`, `169.254.169.254`). */
  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      if (!isIpRange(cidr)) throw new Error(`not an IP address or range: ${cidr}`);
      const [address, bits] = cidr.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.denied.addAddress(address, family);
      else this.denied.addSubnet(address, Number(bits), family);
    }
    this.dispatcher = new Agent({ connect: { lookup: this.lookup } });
  }

  /** Why `address` is refused, or null when it may be connected to. */
  refusal(address: string): string | null {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    return this.denied.check(ip, family) ? `${address} is refused by TXMSG_OUTBOUND_DENY` : null;
  }

  /** Checks a URL as it is configured: its host literally, or every address its name resolves to. */
  async check(url: string): Promise<string | null> {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return this.refusal(host);
    let addresses: LookupAddress[];
    try {
      addresses = await new Promise((resolve, reject) =>
        dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
      );
    } catch {
      return null; // not resolvable yet: the connection-time check still applies
    }
    for (const { address } of addresses) {
      const refusal = this.refusal(address);
      if (refusal) return `${host} resolves to ${refusal}`;
    }
    return null;
  }

  /** The configuration-time check of `urls`, as a 400 naming `field` for the first one refused. */
  async assertConfigurable(field: string, urls: string[]): Promise<void> {
    for (const url of urls) {
      const refusal = await this.check(url);
      if (refusal) throw ApiError.validation(`${field}: ${refusal}`, [{ field, message: refusal }]);
    }
  }

  /**
   * The connection-time check for a literal address (DNS names go through `lookup`). The list is
   * fixed for the policy's life, so the answer for a URL is kept: pushes go to a few endpoints.
   */
  assertLiteral(url: string): void {
    let refusal = this.literalRefusals.get(url);
    if (refusal === undefined) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      refusal = isIP(host) ? this.refusal(host) : null;
      if (this.literalRefusals.size >= LITERAL_CACHE_MAX) this.literalRefusals.clear();
      this.literalRefusals.set(url, refusal);
    }
    if (refusal) throw new OutboundDenied(refusal);
  }

  private readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.map((a) => this.refusal(a.address)).find((r) => r !== null);
      if (refused)
        return callback(
          Object.assign(new OutboundDenied(`${hostname}: ${refused}`), { code: 'EOUTBOUNDDENIED' }),
          [],
        );
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
