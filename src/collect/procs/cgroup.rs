//! /proc/PID/cgroup (cgroups(7)): which cgroup a process runs in, and the systemd unit or
//! container that path names.

/// The unified (v2) path, else the v1 pids or systemd hierarchy's, else the first.
pub fn parse(text: &str) -> Option<String> {
    let mut first = None;
    let mut v1 = None;
    for line in text.lines() {
        let mut f = line.splitn(3, ':');
        let (Some(_id), Some(controllers), Some(path)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        if controllers.is_empty() {
            return Some(path.to_string());
        }
        let named = controllers
            .split(',')
            .any(|c| c == "pids" || c == "name=systemd");
        if named && v1.is_none() {
            v1 = Some(path.to_string());
        }
        first.get_or_insert_with(|| path.to_string());
    }
    v1.or(first)
}

/// What an admin would call the cgroup: "docker 3f2a9c1b0e4d", "lxc web1", "nginx.service".
pub fn owner(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for (i, p) in parts.iter().enumerate() {
        if let Some(id) = p
            .strip_prefix("docker-")
            .and_then(|r| r.strip_suffix(".scope"))
        {
            return Some(format!("docker {}", short(id)));
        }
        if let Some(id) = p
            .strip_prefix("libpod-")
            .and_then(|r| r.strip_suffix(".scope"))
        {
            return Some(format!("podman {}", short(id)));
        }
        if let Some(kind @ ("docker" | "lxc" | "lxc.payload" | "machine.slice")) = Some(*p)
            && let Some(next) = parts.get(i + 1)
        {
            let kind = kind.trim_end_matches(".payload").trim_end_matches(".slice");
            return Some(format!("{kind} {}", short(next)));
        }
    }
    parts
        .iter()
        .rev()
        .find(|p| p.ends_with(".service") || p.ends_with(".scope"))
        .map(|p| (*p).to_string())
}

fn short(id: &str) -> &str {
    let hex = id.len() >= 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if hex { id.get(..12).unwrap_or(id) } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unified_path_first() {
        assert_eq!(
            parse("0::/system.slice/nginx.service\n").as_deref(),
            Some("/system.slice/nginx.service")
        );
        let v1 = "12:cpu,cpuacct:/a\n5:pids:/user.slice/user-1000.slice\n1:name=systemd:/x\n";
        assert_eq!(parse(v1).as_deref(), Some("/user.slice/user-1000.slice"));
        assert_eq!(parse("7:memory:/m\n").as_deref(), Some("/m"));
        assert_eq!(parse("junk\n"), None);
    }

    #[test]
    fn names_units_and_containers() {
        let id = "3f2a9c1b0e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a";
        assert_eq!(
            owner(&format!("/system.slice/docker-{id}.scope")).as_deref(),
            Some("docker 3f2a9c1b0e4d")
        );
        assert_eq!(
            owner(&format!("/docker/{id}")).as_deref(),
            Some("docker 3f2a9c1b0e4d")
        );
        assert_eq!(
            owner("/lxc.payload.web1/init.scope").as_deref(),
            Some("init.scope")
        );
        assert_eq!(owner("/lxc/web1").as_deref(), Some("lxc web1"));
        assert_eq!(
            owner("/system.slice/postfix.service").as_deref(),
            Some("postfix.service")
        );
        assert_eq!(owner("/user.slice"), None);
        assert_eq!(owner("/"), None);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s).map(|p| owner(&p));
        }
    }
}
