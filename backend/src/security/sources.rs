//! Which template sources the server may read: local repositories only below configured
//! roots (`--source-root`, plus the own catalogue), remote hosts only with public addresses
//! (every address the name resolves to) unless allow-listed (`--source-allow-host`).
//!
//! Refusals use one text per kind that does not depend on whether a path exists or a host
//! answers, so the form cannot be used to map the server's disk or network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};

use crate::config::Config;

/// The roots and hosts a deployment allows.
#[derive(Debug, Clone, Default)]
pub struct SourcePolicy {
    roots: Vec<PathBuf>,
    allowed_hosts: Vec<String>,
}

impl SourcePolicy {
    pub fn new(config: &Config) -> SourcePolicy {
        let mut roots = config.source_roots.clone();
        roots.push(config.data_dir.join("catalog.git"));
        SourcePolicy {
            roots,
            allowed_hosts: config
                .source_allow_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
        }
    }

    /// A local repository: refused unless it lies below a root (after resolving symlinks).
    pub fn check_local(&self, path: &Path) -> Result<(), String> {
        let outside = || {
            "Dieser Pfad liegt nicht unter einem freigegebenen Quellverzeichnis. Lokale Vorlagenquellen gibt die Betriebsverantwortung mit --source-root frei.".to_string()
        };
        if !path.is_absolute() || path.components().any(|c| c == Component::ParentDir) {
            return Err(outside());
        }
        let candidate = resolve(path);
        let inside = self
            .roots
            .iter()
            .any(|root| candidate.starts_with(resolve(root)));
        if inside {
            Ok(())
        } else {
            Err(outside())
        }
    }

    /// A remote host (blocking: resolves the name). Every address must be public. Returns
    /// the checked addresses as curl resolve entries (`host:port:address`) for git to use, so
    /// the name cannot be made to point elsewhere between the check and the fetch.
    pub fn check_remote(&self, url: &str) -> Result<Vec<String>, String> {
        let (host, port) = host_and_port(url).ok_or_else(|| refused_host(url))?;
        if self.allowed_hosts.contains(&host) {
            return Ok(Vec::new());
        }
        let (addresses, literal): (Vec<IpAddr>, bool) = match host.parse::<IpAddr>() {
            Ok(ip) => (vec![ip], true),
            Err(_) => (
                (host.as_str(), port)
                    .to_socket_addrs()
                    .map(|a| a.map(|s| s.ip()).collect())
                    .unwrap_or_default(),
                false,
            ),
        };
        if addresses.is_empty() || !addresses.iter().all(|ip| is_public(*ip)) {
            return Err(refused_host(&host));
        }
        if literal {
            return Ok(Vec::new());
        }
        Ok(pins(&host, port, &addresses))
    }
}

/// curl resolve entries: `host:port:address` (IPv6 in brackets).
fn pins(host: &str, port: u16, addresses: &[IpAddr]) -> Vec<String> {
    addresses
        .iter()
        .map(|ip| match ip {
            IpAddr::V4(v4) => format!("{host}:{port}:{v4}"),
            IpAddr::V6(v6) => format!("{host}:{port}:[{v6}]"),
        })
        .collect()
}

fn refused_host(host: &str) -> String {
    format!(
        "Der Server „{host}“ kann nicht als Vorlagenquelle verwendet werden: Er ist unbekannt oder liegt in einem internen Netz. Interne Server gibt die Betriebsverantwortung mit --source-allow-host frei."
    )
}

/// `path` with symlinks resolved as far as it exists (the rest appended unchanged).
fn resolve(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest.iter().rev().fold(canonical, |p, c| p.join(c));
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Lowercase host and port of `https://host[:port]/…` (IPv6 in brackets).
fn host_and_port(url: &str) -> Option<(String, u16)> {
    let authority = url
        .strip_prefix("https://")?
        .split(['/', '?', '#'])
        .next()?;
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => 443,
    };
    (!host.is_empty()).then(|| (host.to_ascii_lowercase(), port))
}

/// Not loopback, private, link-local, shared (CGNAT), unspecified, multicast, broadcast,
/// documentation or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 (embeds IPv4)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["194.95.1.1", "2a00:1450:4001::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn checked_names_are_pinned_for_git() {
        let policy = SourcePolicy::default();
        // Literal public addresses need no pin; names get one entry per checked address.
        assert_eq!(
            policy.check_remote("https://194.95.1.1/x.git"),
            Ok(Vec::new())
        );
        assert!(policy.check_remote("https://localhost/x.git").is_err());
        let addresses = [
            "194.95.1.1".parse().unwrap(),
            "2a00:1450::1".parse().unwrap(),
        ];
        assert_eq!(
            pins("katalog.example.de", 443, &addresses),
            [
                "katalog.example.de:443:194.95.1.1",
                "katalog.example.de:443:[2a00:1450::1]"
            ]
        );
    }

    #[test]
    fn hosts_and_ports_are_parsed() {
        assert_eq!(
            host_and_port("https://Example.org/a.git"),
            Some(("example.org".into(), 443))
        );
        assert_eq!(
            host_and_port("https://127.0.0.1:8383/x"),
            Some(("127.0.0.1".into(), 8383))
        );
        assert_eq!(host_and_port("https://[::1]:1/x"), Some(("::1".into(), 1)));
    }

    #[test]
    fn paths_outside_the_roots_and_traversals_are_refused_alike() {
        let root = tempfile::tempdir().unwrap();
        let config = Config {
            source_roots: vec![root.path().to_path_buf()],
            ..Config::new("/srv/fachwerk/data")
        };
        let policy = SourcePolicy::new(&config);
        assert!(policy.check_local(&root.path().join("katalog.git")).is_ok());
        assert!(policy
            .check_local(Path::new("/srv/fachwerk/data/catalog.git"))
            .is_ok());
        let etc = policy.check_local(Path::new("/etc")).unwrap_err();
        let missing = policy.check_local(Path::new("/nonexistent/x")).unwrap_err();
        let up = policy
            .check_local(&root.path().join("../../etc"))
            .unwrap_err();
        assert_eq!(etc, missing);
        assert_eq!(etc, up);
        std::os::unix::fs::symlink("/etc", root.path().join("link")).unwrap();
        assert_eq!(
            policy.check_local(&root.path().join("link/x")).unwrap_err(),
            etc
        );
    }
}
