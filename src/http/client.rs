//! Who is calling: the client's address as the sign-in throttle and `/metrics` see it.
//!
//! Behind a reverse proxy every connection comes from the proxy, so the address of the
//! person is in `X-Forwarded-For`. That header is only believed from the proxies the operator
//! lists (`trusted_proxies`, addresses or CIDR ranges): the client is the right-most address of
//! the header that is not itself a trusted proxy. From anyone else the header is ignored, so a
//! caller cannot choose the address it is throttled under.

use std::net::IpAddr;

/// An address range: an address and how many leading bits must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `::1` or `192.168.1.7`.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let (a, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = a.parse().map_err(|_| format!("{s:?} is not an IP address or range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => {
                b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("{s:?} has a bad prefix length"))?
            }
            None => max,
        };
        Ok(Cidr { addr, bits })
    }

    /// Whether `ip` is in the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (a, b, width) = match (self.addr, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            (IpAddr::V6(a), IpAddr::V4(b)) => (u128::from(a), u128::from(b.to_ipv6_mapped()), 128),
            (IpAddr::V4(a), IpAddr::V6(b)) => match b.to_ipv4_mapped() {
                Some(b) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
                None => return false,
            },
        };
        let shift = width - u32::from(self.bits.min(width as u8));
        shift >= width || (a >> shift) == (b >> shift)
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<Cidr>);

impl TrustedProxies {
    /// Parses a list of addresses and ranges.
    pub fn parse(items: &[String]) -> Result<TrustedProxies, String> {
        items.iter().map(|s| Cidr::parse(s)).collect::<Result<_, _>>().map(TrustedProxies)
    }

    /// Whether `ip` is one of the proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client behind a connection from `peer` carrying `forwarded_for` (the values of
    /// every `X-Forwarded-For` header, in order).
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops: Vec<&str> = forwarded_for.iter().flat_map(|v| v.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return Some(ip),
                // A hop that is not an address (`unknown`, garbage): stop at the last good one.
                Err(_) => return Some(client),
            }
        }
        Some(client)
    }
}

/// The token of an `Authorization: Bearer …` value (the scheme in any case, as the API's
/// security scheme reads it): what the idempotency layer and `/metrics` read.
pub(super) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The resolved client address of a request (in its extensions; `None` without a socket, as
/// in tests that call the app directly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// Whether the caller is on this machine and came without a proxy in between.
    pub fn is_local(&self, forwarded: bool) -> bool {
        !forwarded && self.0.is_none_or(|ip| ip.is_loopback() || ip.to_canonical().is_loopback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn ranges_match_what_they_cover() {
        let net = Cidr::parse("10.1.0.0/16").expect("range");
        assert!(net.contains(ip("10.1.200.3")) && !net.contains(ip("10.2.0.1")));
        assert!(Cidr::parse("::1").expect("v6").contains(ip("::1")));
        assert!(Cidr::parse("127.0.0.1").expect("v4").contains(ip("::ffff:127.0.0.1")), "mapped addresses");
        assert!(Cidr::parse("0.0.0.0/0").expect("all").contains(ip("203.0.113.9")));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0/8", ""] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(Some(ip("198.51.100.7")), &["203.0.113.5"]), Some(ip("198.51.100.7")));
        let proxy = TrustedProxies::parse(&["127.0.0.1".into(), "10.0.0.0/8".into()]).expect("list");
        assert_eq!(proxy.client(Some(ip("127.0.0.1")), &["203.0.113.5"]), Some(ip("203.0.113.5")));
        // A client that forges the header gets its forged hop skipped: the right-most
        // untrusted hop is the one the trusted proxy saw.
        assert_eq!(proxy.client(Some(ip("127.0.0.1")), &["1.2.3.4, 203.0.113.5, 10.0.0.9"]), Some(ip("203.0.113.5")));
        assert_eq!(proxy.client(Some(ip("127.0.0.1")), &["1.2.3.4", "203.0.113.5"]), Some(ip("203.0.113.5")));
        assert_eq!(proxy.client(Some(ip("127.0.0.1")), &[]), Some(ip("127.0.0.1")), "no header: the proxy itself");
        assert_eq!(proxy.client(Some(ip("127.0.0.1")), &["garbage"]), Some(ip("127.0.0.1")));
        assert_eq!(proxy.client(None, &["203.0.113.5"]), None);
    }
}
