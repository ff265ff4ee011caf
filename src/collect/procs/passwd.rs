//! /etc/passwd (passwd(5)): user names by uid, to show who owns a process.

use std::collections::HashMap;
use std::sync::Arc;

/// uid → name; lines that are not `name:x:uid:…` are skipped.
pub fn parse(text: &str) -> HashMap<u32, Arc<str>> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next().filter(|n| !n.is_empty())?;
            let uid = f.nth(1)?.parse().ok()?;
            Some((uid, Arc::from(name)))
        })
        .collect()
}

/// The user's name, or the uid itself when the passwd file does not know it.
pub fn name(users: &HashMap<u32, Arc<str>>, uid: u32) -> Arc<str> {
    users
        .get(&uid)
        .cloned()
        .unwrap_or_else(|| uid.to_string().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_by_uid() {
        let u = parse(
            "root:x:0:0:root:/root:/bin/bash\n# c\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\nbad\n:x:5:\nx:x:y:\n",
        );
        assert_eq!(u.len(), 2);
        assert_eq!(&*name(&u, 33), "www-data");
        assert_eq!(&*name(&u, 1234), "1234");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
