//! Well-known TCP services by port, for naming peers and listeners.

/// The usual service on a TCP port, if it is a well-known one.
pub fn service_name(port: u16) -> Option<&'static str> {
    Some(match port {
        21 => "ftp",
        22 => "ssh",
        25 => "smtp",
        53 => "dns",
        80 => "http",
        110 => "pop3",
        111 => "rpcbind",
        143 => "imap",
        389 => "ldap",
        443 => "https",
        465 => "smtps",
        587 => "submission",
        636 => "ldaps",
        993 => "imaps",
        995 => "pop3s",
        1433 => "mssql",
        1521 => "oracle",
        2049 => "nfs",
        2181 => "zookeeper",
        2379 => "etcd",
        3000 => "http-dev",
        3306 => "mysql",
        5432 => "postgresql",
        5672 => "amqp",
        6379 => "redis",
        6443 => "kube-api",
        8080 => "http-alt",
        8443 => "https-alt",
        9000 => "php-fpm",
        9092 => "kafka",
        9200 => "elasticsearch",
        11211 => "memcached",
        27017 => "mongodb",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_usual_suspects() {
        assert_eq!(service_name(11211), Some("memcached"));
        assert_eq!(service_name(6379), Some("redis"));
        assert_eq!(service_name(993), Some("imaps"));
        assert_eq!(service_name(143), Some("imap"));
        assert_eq!(service_name(40000), None);
    }
}
